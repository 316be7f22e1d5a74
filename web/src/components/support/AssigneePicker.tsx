/** Assigns a conversation (`owned_by`): to oneself, another of the team, or nobody. */
import type { UserSummary } from '../../../../src/client/index.js';
import { useConsole } from '../../context.js';
import { useStaff } from '../../hooks/useStaff.js';
import { userName } from '../names.js';

export function AssigneePicker({ owners, onChange }: { owners: UserSummary[]; onChange(ids: string[]): void }) {
  const { self } = useConsole();
  const staff = useStaff();
  const current = owners[0]?.id ?? '';
  // The owner is offered even before the team has loaded (or when not among its first page).
  const people = [...owners.filter((owner) => !staff.some((member) => member.id === owner.id)), ...staff];
  return (
    <div class="conversation-control">
      <label for="conversation-assignee">Assignee</label>
      <select id="conversation-assignee" value={current} onChange={(event) => onChange(event.currentTarget.value === '' ? [] : [event.currentTarget.value])}>
        <option value="">Unassigned</option>
        {people.map((person) => (
          <option key={person.id} value={person.id}>
            {person.id === self.id ? `${userName(person)} (you)` : userName(person)}
          </option>
        ))}
      </select>
    </div>
  );
}
