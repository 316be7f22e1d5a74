/** The organization's groups. */
import { useConsole } from '../../context.js';
import { Refused } from './Refused.js';
import { useLoad } from './useLoad.js';

interface Group {
  id: string;
  display_id: string;
  name: string;
  member_type: string;
  description?: string;
}

export function GroupsPanel() {
  const { client } = useConsole();
  const { value, refused } = useLoad(() => client.call<{ groups: Group[] }>('groups.list', { limit: 100 }));
  if (refused) return <Refused what="The organization's groups are listed for its staff." reason={refused} />;
  if (value && value.groups.length === 0) return <p class="muted">No groups yet. An admin makes one with <code>groups.create</code> and adds people with <code>groups.members.add</code> (see the README).</p>;
  return (
    <div class="table-wrap" tabIndex={0}>
      <table>
        <caption class="visually-hidden">Groups</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Id</th>
            <th scope="col">Members</th>
            <th scope="col">Description</th>
          </tr>
        </thead>
        <tbody>
          {(value?.groups ?? []).map((group) => (
            <tr key={group.id}>
              <td>{group.name}</td>
              <td>
                <code class="id">{group.display_id}</code>
              </td>
              <td>{group.member_type}</td>
              <td>{group.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
