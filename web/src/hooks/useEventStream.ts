/**
 * The session's one live connection: `/events.stream` read with the typed client's
 * fetch-based reader (the token goes in a header), resumed with Last-Event-ID after a
 * drop or a restart. Components subscribe to the hub instead of opening streams.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { EventStreamReader, type AnyStreamEvent, type StreamStatus } from '../../../src/client/index.js';
import { BASE_URL } from '../session.js';

export type LiveEvent = AnyStreamEvent;
type Listener = (event: LiveEvent) => void;

export interface EventHub {
  status: StreamStatus;
  subscribe(listener: Listener): () => void;
}

export function useEventStream(token: string, fetch: typeof globalThis.fetch, onError: (error: unknown) => void): EventHub {
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const listeners = useMemo(() => new Set<Listener>(), [token]);

  useEffect(() => {
    const reader = new EventStreamReader({ baseUrl: BASE_URL, token, fetch, onStatus: setStatus, retryMs: 500, maxRetryMs: 5000 });
    let stopped = false;
    void (async () => {
      try {
        for await (const event of reader) for (const listener of listeners) listener(event);
      } catch (error) {
        if (!stopped) onError(error);
      }
    })();
    return () => {
      stopped = true;
      reader.close();
    };
  }, [token]);

  const subscribe = useMemo(
    () => (listener: Listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    [listeners],
  );
  return useMemo(() => ({ status, subscribe }), [status, subscribe]);
}

/** Calls `handler` for every live event while the component is mounted. */
export function useLiveEvents(hub: EventHub, handler: Listener, deps: unknown[]): void {
  useEffect(() => hub.subscribe(handler), [hub.subscribe, ...deps]);
}
