/**
 * Who is online, for the presence dots: `presence.list` for the people on screen (a
 * hundred at a time), kept live by the stream's `presence_changed` events. Those are
 * ephemeral — a dropped stream misses them — so everyone is asked again each time the
 * stream is back.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { isEventOf } from '../../../src/client/index.js';
import { useConsole } from '../context.js';
import { useLiveEvents } from './useEventStream.js';

export type PresenceState = 'online' | 'offline';
export type PresenceMap = ReadonlyMap<string, PresenceState>;

const PER_CALL = 100;

export function usePresence(userIds: readonly string[]): PresenceMap {
  const { client, events, features } = useConsole();
  const [states, setStates] = useState<Map<string, PresenceState>>(new Map());
  /** Asked already (or heard of live): not asked again until the stream reconnects. */
  const known = useRef(new Set<string>());
  /** How many live events each user has had: an answer asked before the latest one is stale for them. */
  const heard = useRef(new Map<string, number>());
  const key = [...new Set(userIds)].sort().join(',');

  useLiveEvents(
    events,
    (event) => {
      if (!isEventOf(event, 'presence_changed')) return;
      const { user, state } = event.data;
      known.current.add(user.id);
      heard.current.set(user.id, (heard.current.get(user.id) ?? 0) + 1);
      setStates((current) => new Map(current).set(user.id, state));
    },
    [],
  );

  // Back after a drop: what was missed meanwhile is asked afresh.
  useEffect(() => {
    if (events.status !== 'open') known.current.clear();
  }, [events.status]);

  useEffect(() => {
    if (events.status !== 'open' || !features.operations.has('presence.list')) return;
    const wanted = key.split(',').filter((id) => id !== '' && !known.current.has(id));
    for (let start = 0; start < wanted.length; start += PER_CALL) {
      const batch = wanted.slice(start, start + PER_CALL);
      for (const id of batch) known.current.add(id);
      const asked = new Map(batch.map((id) => [id, heard.current.get(id) ?? 0]));
      // Best effort: a dot that cannot be shown is not worth an error banner.
      client.presence.list({ users: batch }).then(
        ({ presence }) =>
          setStates((current) => {
            const next = new Map(current);
            for (const { user, state } of presence) if ((heard.current.get(user.id) ?? 0) === asked.get(user.id)) next.set(user.id, state);
            return next;
          }),
        () => batch.forEach((id) => known.current.delete(id)),
      );
    }
  }, [key, events.status, client]);

  return states;
}
