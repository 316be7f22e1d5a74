/** The request journal (confab.requests.*): what clients sent and what Confab answered. */
import { useState } from 'preact/hooks';
import type { JournalEntry } from '../../../../src/client/index.js';
import { useConsole } from '../../context.js';
import { Refused } from './Refused.js';
import { useLoad } from './useLoad.js';

export function JournalPanel() {
  const { client, report } = useConsole();
  const [operation, setOperation] = useState('');
  const [applied, setApplied] = useState('');
  const { value, reload, refused } = useLoad(
    () => client.call<{ requests: JournalEntry[] }>('confab.requests.list', { limit: 100, ...(applied && { operation: applied }) }),
    [applied],
  );
  if (refused) return <Refused what="The request journal is the organization's admins' to read." reason={refused} />;

  return (
    <div>
      <form
        class="inline"
        onSubmit={(event) => {
          event.preventDefault();
          if (operation === applied) void reload();
          else setApplied(operation);
        }}
      >
        <label>
          Operation
          <input value={operation} onInput={(e) => setOperation(e.currentTarget.value)} placeholder="chats.create" />
        </label>
        <button type="submit" class="primary">
          Show requests
        </button>
        <button type="button" onClick={() => void client.call('confab.requests.clear', {}).then(reload, report)}>
          Clear journal
        </button>
      </form>
      {value && value.requests.length === 0 && <p class="muted">No requests recorded.</p>}
      <ol class="journal" aria-label="Requests">
        {(value?.requests ?? []).map((entry) => (
          <li key={entry.id}>
            <details>
              <summary>
                <span class={entry.status >= 400 ? 'status-error' : 'status-ok'}>{entry.status}</span> <code>{entry.method}</code>{' '}
                <code>{entry.operation ?? entry.path}</code> <span class="muted">{entry.caller?.display_id ?? 'anonymous'}</span>{' '}
                <span class="muted">
                  {Math.round(entry.duration_ms)} ms · {new Date(entry.time).toLocaleTimeString()}
                </span>
              </summary>
              <p class="muted">Request id {entry.id}{entry.events.length > 0 && ` · events ${entry.events.length}`}</p>
              <pre aria-label="Request body">{JSON.stringify(entry.request_body ?? null, null, 2)}</pre>
              <pre aria-label="Response body">{JSON.stringify(entry.response_body ?? null, null, 2)}</pre>
            </details>
          </li>
        ))}
      </ol>
    </div>
  );
}
