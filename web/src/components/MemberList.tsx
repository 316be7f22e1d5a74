/** Who is in the chat, with their display pictures and, for the others, whether they are online. */
import type { UserSummary } from '../../../src/client/index.js';
import type { PresenceMap } from '../hooks/usePresence.js';
import { Avatar } from './Avatar.js';
import { PresenceDot } from './PresenceDot.js';
import { userName } from './names.js';
import './MemberList.css';

export function MemberList({ users, presence }: { users: UserSummary[]; presence: PresenceMap }) {
  return (
    <ul class="member-list" aria-label="Members">
      {users.map((user) => (
        <li key={user.id} title={userName(user)}>
          <Avatar user={user} />
          <span class="visually-hidden">{userName(user)}</span>
          <PresenceDot state={presence.get(user.id)} />
        </li>
      ))}
    </ul>
  );
}
