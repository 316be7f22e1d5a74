/** Every event this session's stream delivers, newest first, as it arrives. */
import { useState } from 'preact/hooks';
import { useConsole } from '../../context.js';
import { useLiveEvents, type LiveEvent } from '../../hooks/useEventStream.js';

const KEEP = 200;

export function EventFeed() {
  const { events } = useConsole();
  const [seen, setSeen] = useState<LiveEvent[]>([]);
  useLiveEvents(events, (event) => setSeen((current) => [event, ...current].slice(0, KEEP)), []);
  return (
    <div>
      <p class="muted">Live from /events.stream (the chats you are in). Stream status: {events.status}.</p>
      {seen.length === 0 && <p class="muted">Waiting for events…</p>}
      <ol class="event-feed" aria-label="Events" reversed>
        {seen.map((event, index) => (
          <li key={event.streamId ?? `ephemeral-${seen.length - index}`}>
            <details>
              <summary>
                <code>{event.streamId === undefined ? 'ephemeral' : `#${event.streamId}`}</code> {event.type} <span class="muted">{String(event.envelope.timestamp)}</span>
              </summary>
              <pre>{JSON.stringify(event.envelope, null, 2)}</pre>
            </details>
          </li>
        ))}
      </ol>
    </div>
  );
}
