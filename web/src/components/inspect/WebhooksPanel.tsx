/** Webhooks, and each one's deliveries: state, attempts, the last error. */
import { useState } from 'preact/hooks';
import { useConsole } from '../../context.js';
import { Refused } from './Refused.js';
import { useLoad } from './useLoad.js';

interface Webhook {
  id: string;
  display_id: string;
  url: string;
  status: string;
  event_types?: string[];
}

interface Delivery {
  id: string;
  type: string;
  state: string;
  attempts: { at: string; duration_ms: number; status_code?: number; error?: string }[];
  next_attempt_date?: string;
  created_date: string;
}

export function WebhooksPanel() {
  const { client, report } = useConsole();
  const { value, reload, refused } = useLoad(() => client.call<{ webhooks: Webhook[] }>('webhooks.list', {}));
  const [url, setUrl] = useState('');
  const [selected, setSelected] = useState<string | undefined>();

  const create = async (event: Event) => {
    event.preventDefault();
    try {
      const { webhook } = await client.call<{ webhook: Webhook }>('webhooks.create', { url });
      setUrl('');
      setSelected(webhook.id);
      await reload();
    } catch (error) {
      report(error);
    }
  };

  // Webhooks are the admins' (webhooks.list says so with a 403): no form that would only fail.
  if (refused) return <Refused what="Webhooks are managed by the organization's admins." reason={refused} />;

  return (
    <div>
      <form class="inline" onSubmit={create}>
        <label>
          Webhook URL
          <input type="url" value={url} onInput={(e) => setUrl(e.currentTarget.value)} required size={40} />
        </label>
        <button type="submit" class="primary">
          Add webhook
        </button>
        <button type="button" onClick={() => void reload()}>
          Refresh
        </button>
      </form>
      {value && value.webhooks.length === 0 && (
        <p class="muted">No webhooks yet. Add a URL above: Confab sends it a verify challenge, then every event as it happens.</p>
      )}
      <div class="table-wrap" tabIndex={0}>
        <table>
          <caption class="visually-hidden">Webhooks</caption>
          <thead>
            <tr>
              <th scope="col">URL</th>
              <th scope="col">Id</th>
              <th scope="col">Status</th>
              <th scope="col">Events</th>
              <th scope="col">Deliveries</th>
            </tr>
          </thead>
          <tbody>
            {(value?.webhooks ?? []).map((webhook) => (
              <tr key={webhook.id}>
                <td>
                  <code>{webhook.url}</code>
                </td>
                <td>
                  <code class="id">{webhook.display_id}</code>
                </td>
                <td>{webhook.status}</td>
                <td>{webhook.event_types?.join(', ') ?? 'DevRev’s default set'}</td>
                <td>
                  <button type="button" onClick={() => setSelected(webhook.id)} aria-label={`Deliveries of ${webhook.display_id}`}>
                    Deliveries
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {selected && <Deliveries key={selected} webhookId={selected} />}
    </div>
  );
}

function Deliveries({ webhookId }: { webhookId: string }) {
  const { client } = useConsole();
  const { value, reload } = useLoad(() => client.call<{ deliveries: Delivery[] }>('webhooks.deliveries.list', { id: webhookId, limit: 50 }), [webhookId]);
  return (
    <section aria-label="Deliveries">
      <h3>
        Deliveries{' '}
        <button type="button" onClick={() => void reload()}>
          Refresh deliveries
        </button>
      </h3>
      {value && value.deliveries.length === 0 && <p class="muted">No deliveries yet.</p>}
      <div class="table-wrap" tabIndex={0}>
        <table>
          <caption class="visually-hidden">Deliveries</caption>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">State</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last answer</th>
              <th scope="col">Next try</th>
            </tr>
          </thead>
          <tbody>
            {(value?.deliveries ?? []).map((delivery) => {
              const last = delivery.attempts.at(-1);
              return (
                <tr key={delivery.id} class="delivery">
                  <td>{delivery.type}</td>
                  <td>{delivery.state}</td>
                  <td>{delivery.attempts.length}</td>
                  <td>{last ? (last.error ?? `HTTP ${last.status_code}`) : '—'}</td>
                  <td>{delivery.next_attempt_date ? new Date(delivery.next_attempt_date).toLocaleTimeString() : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
