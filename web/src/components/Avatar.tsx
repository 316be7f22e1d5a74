/** A user's display picture (located through artifacts.locate), or their initials on their own colour. */
import { useEffect, useState } from 'preact/hooks';
import type { UserSummary } from '../../../src/client/index.js';
import { useConsole } from '../context.js';
import './Avatar.css';

const located = new Map<string, Promise<string>>();

/** As many as Avatar.css has `.avatar-colour-N` backgrounds. */
const COLOURS = 8;

/** The same user has the same colour everywhere and for everyone: it is derived from their id. */
function colourOf(userId: string): number {
  let hash = 0;
  for (let index = 0; index < userId.length; index++) hash = (hash * 31 + userId.charCodeAt(index)) >>> 0;
  return hash % COLOURS;
}

export function Avatar({ user }: { user: UserSummary }) {
  const { client } = useConsole();
  const [url, setUrl] = useState<string | undefined>();
  const pictureId = user.display_picture?.id;
  useEffect(() => {
    if (!pictureId) return;
    let promise = located.get(pictureId);
    if (!promise) {
      promise = client.call<{ url: string }>('artifacts.locate', { id: pictureId }).then(({ url }) => url);
      located.set(pictureId, promise);
    }
    let current = true;
    promise.then((value) => current && setUrl(value), () => located.delete(pictureId));
    return () => {
      current = false;
    };
  }, [pictureId]);
  const name = user.display_name ?? user.email ?? user.display_id ?? '?';
  const initials = name
    .split(/[\s@._-]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]!.toUpperCase())
    .join('');
  return (
    <span class={`avatar avatar-colour-${colourOf(user.id)}`} aria-hidden="true">
      {url ? <img src={url} alt="" /> : initials}
    </span>
  );
}
