/**
 * Where a file on a message can be fetched now: `artifacts.locate` answers a link that
 * expires (an hour), so it is asked for when the file is shown and again shortly before
 * the link runs out, for as long as the file stays on screen.
 */
import { useEffect, useState } from 'preact/hooks';
import { useConsole } from '../context.js';

/** Ask again this long before the link expires. */
const REFRESH_BEFORE_MS = 60_000;
/** …but never sooner than this after the last answer (a clock that is off, a short expiry). */
const SHORTEST_WAIT_MS = 10_000;

export type Located = { state: 'locating' } | { state: 'located'; url: string } | { state: 'unavailable'; reason: string };

export function useLocatedUrl(artifactId: string): Located {
  const { client } = useConsole();
  const [located, setLocated] = useState<Located>({ state: 'locating' });
  useEffect(() => {
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const locate = () => {
      client.call('artifacts.locate', { id: artifactId }).then(
        ({ url, expires_at }) => {
          if (!current) return;
          setLocated({ state: 'located', url });
          if (expires_at) timer = setTimeout(locate, Math.max(SHORTEST_WAIT_MS, Date.parse(expires_at) - Date.now() - REFRESH_BEFORE_MS));
        },
        // A file whose message was deleted meanwhile: shown as gone, not as a console error.
        (error: unknown) => current && setLocated({ state: 'unavailable', reason: error instanceof Error ? error.message : String(error) }),
      );
    };
    locate();
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [artifactId, client]);
  return located;
}
