/**
 * Loads something through the client, reports failures, and can load it again. A `403` is
 * not a failure to shout about but an answer: the caller may not do this (`refused`, the
 * server's reason), and the panel shows what they may do instead of a form that will fail.
 * A load that never reached the server is tried again when the browser is back online, so
 * the panel fills in and its error bar clears without a reload of the page.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ConfabApiError } from '../../../../src/client/index.js';
import { useConsole } from '../../context.js';

export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []) {
  const { report } = useConsole();
  const [value, setValue] = useState<T | undefined>();
  const [refused, setRefused] = useState<string | undefined>();
  const latest = useRef<() => Promise<void>>();
  const reload = useCallback(
    () =>
      load().then(
        (loaded) => {
          setRefused(undefined);
          setValue(loaded);
        },
        (error: unknown) => {
          if (error instanceof ConfabApiError && error.status === 403) return setRefused(error.body.message);
          report(error);
          if (!(error instanceof ConfabApiError)) window.addEventListener('online', () => void latest.current?.(), { once: true });
        },
      ),
    deps,
  );
  latest.current = reload;
  useEffect(() => void reload(), [reload]);
  return { value, reload, refused };
}
