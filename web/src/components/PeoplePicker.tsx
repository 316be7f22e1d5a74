/** The organization's active people to tick (New chat, Add people), found by name or email. */
import { useEffect, useState } from 'preact/hooks';
import type { DevUser } from '../../../src/client/index.js';
import { useConsole } from '../context.js';
import { userName } from './names.js';

interface Props {
  /** People not to offer: oneself, and those already in the chat. */
  exclude: ReadonlySet<string>;
  picked: ReadonlySet<string>;
  onToggle(id: string): void;
  /** Element ids, unique on the page. */
  idPrefix: string;
}

export function PeoplePicker({ exclude, picked, onToggle, idPrefix }: Props) {
  const { client, report } = useConsole();
  const [users, setUsers] = useState<DevUser[] | undefined>();
  const [filter, setFilter] = useState('');
  useEffect(() => {
    client.call<{ dev_users: DevUser[] }>('dev-users.list', { limit: 100, state: ['active'] }).then(({ dev_users }) => setUsers(dev_users), report);
  }, []);
  const offered = (users ?? []).filter((user) => !exclude.has(user.id));
  const shown = offered.filter((user) => `${userName(user)} ${user.email ?? ''}`.toLowerCase().includes(filter.toLowerCase()));
  return (
    <>
      <label for={`${idPrefix}-filter`}>Find people</label>
      <input id={`${idPrefix}-filter`} type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
      <fieldset class="people-picker">
        <legend>People</legend>
        {users === undefined && <p role="status">Loading people…</p>}
        {users !== undefined && offered.length === 0 && (
          <p class="muted">
            Nobody else to add yet. An admin adds people on the command line: <code>confab users create</code>, then{' '}
            <code>confab tokens create</code> for their token.
          </p>
        )}
        {offered.length > 0 && shown.length === 0 && <p class="muted">Nobody’s name or email has “{filter}” in it.</p>}
        <ul>
          {shown.map((user) => (
            <li key={user.id}>
              <label>
                <input type="checkbox" checked={picked.has(user.id)} onChange={() => onToggle(user.id)} />
                {userName(user)} <span class="muted">{user.email}</span>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
    </>
  );
}

/** A set of picked ids and its toggle. */
export function usePicked() {
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setPicked((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  return { picked, toggle };
}
