/** Emulator mode: reset to the fixtures; with faults on, rules that fail calls on purpose. */
import { useState } from 'preact/hooks';
import { useConsole } from '../../context.js';
import { Refused } from './Refused.js';
import { useLoad } from './useLoad.js';

interface FaultRule {
  operation: string;
  status?: number;
  retry_after?: number;
  delay_ms?: number;
  count?: number;
  rate?: number;
}

export function EmulatorPanel() {
  const { features } = useConsole();
  return (
    <div>
      {features.emulator && <Reset />}
      {features.operations.has('confab.snapshots.save') && <Snapshots />}
      {features.faults && <Faults />}
    </div>
  );
}

function Reset() {
  const { client, report } = useConsole();
  const [done, setDone] = useState<string | undefined>();
  const reset = async () => {
    try {
      await client.call('confab.reset', {});
      setDone(`Reset to the fixtures at ${new Date().toLocaleTimeString()}.`);
    } catch (error) {
      report(error);
    }
  };
  return (
    <section aria-labelledby="reset-heading">
      <h3 id="reset-heading">Reset</h3>
      <p class="muted">Every object and token back exactly as the fixtures load them; tokens made since stop working.</p>
      <button type="button" class="danger" onClick={() => void reset()}>
        Reset emulator
      </button>
      {done && <p role="status">{done}</p>}
    </section>
  );
}

function Faults() {
  const { client, report } = useConsole();
  const { value, reload, refused } = useLoad(() => client.call<{ rules: FaultRule[] }>('confab.faults.list', {}));
  const [operation, setOperation] = useState('timeline-entries.create');
  const [status, setStatus] = useState('429');
  const [count, setCount] = useState('1');

  const apply = async (rules: FaultRule[]) => {
    try {
      await client.call('confab.faults.set', { rules });
      await reload();
    } catch (error) {
      report(error);
    }
  };

  if (refused) return <Refused what="Faults are switched by the organization's admins." reason={refused} />;
  return (
    <section aria-labelledby="faults-heading">
      <h3 id="faults-heading">Faults</h3>
      <form
        class="inline"
        onSubmit={(event) => {
          event.preventDefault();
          const rule: FaultRule = { operation, status: Number(status), count: Number(count) };
          if (status === '429' || status === '503') rule.retry_after = 5;
          void apply([...(value?.rules ?? []), rule]);
        }}
      >
        <label>
          Operation
          <input value={operation} onInput={(e) => setOperation(e.currentTarget.value)} required />
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            <option>429</option>
            <option>500</option>
            <option>503</option>
          </select>
        </label>
        <label>
          Next calls
          <input type="number" min={1} value={count} onInput={(e) => setCount(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary">
          Add fault
        </button>
      </form>
      <ul>
        {(value?.rules ?? []).map((rule, index) => (
          <li key={index}>
            <code>{rule.operation}</code> → {rule.status ?? 'slow'} {rule.count !== undefined && `(next ${rule.count})`}{' '}
            <button type="button" onClick={() => void apply((value?.rules ?? []).filter((_, i) => i !== index))}>
              Turn off
            </button>
          </li>
        ))}
      </ul>
      {value && value.rules.length > 0 && (
        <button type="button" onClick={() => void client.call('confab.faults.clear', {}).then(reload, report)}>
          Turn all off
        </button>
      )}
    </section>
  );
}

interface Snapshot {
  name: string;
  created_date: string;
  size_bytes: number;
}

function Snapshots() {
  const { client, report } = useConsole();
  const { value, reload, refused } = useLoad(() => client.call<{ snapshots: Snapshot[] }>('confab.snapshots.list', {}));
  const [name, setName] = useState('');
  const [done, setDone] = useState<string | undefined>();
  const act = async (operation: string, snapshot: string, said: string) => {
    try {
      await client.call(operation, { name: snapshot });
      setDone(said);
      await reload();
    } catch (error) {
      report(error);
    }
  };
  if (refused) return <Refused what="Snapshots are the organization's admins' to save and restore." reason={refused} />;
  return (
    <section aria-labelledby="snapshots-heading">
      <h3 id="snapshots-heading">Snapshots</h3>
      <form
        class="inline"
        onSubmit={(event) => {
          event.preventDefault();
          void act('confab.snapshots.save', name, `Saved snapshot ${name}.`).then(() => setName(''));
        }}
      >
        <label>
          Snapshot name
          <input value={name} onInput={(e) => setName(e.currentTarget.value)} pattern="[a-z0-9_-]{1,64}" required />
        </label>
        <button type="submit" class="primary">
          Save snapshot
        </button>
      </form>
      {done && <p role="status">{done}</p>}
      <ul>
        {(value?.snapshots ?? []).map((snapshot) => (
          <li key={snapshot.name}>
            <code>{snapshot.name}</code> <span class="muted">{Math.round(snapshot.size_bytes / 1024)} KB, {new Date(snapshot.created_date).toLocaleTimeString()}</span>{' '}
            <button type="button" onClick={() => void act('confab.snapshots.restore', snapshot.name, `Restored snapshot ${snapshot.name}.`)} aria-label={`Restore ${snapshot.name}`}>
              Restore
            </button>{' '}
            <button type="button" class="danger" onClick={() => void act('confab.snapshots.delete', snapshot.name, `Deleted snapshot ${snapshot.name}.`)} aria-label={`Delete ${snapshot.name}`}>
              Delete
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
