/** Who is in the chat, with their display pictures. */
import type { UserSummary } from '../../../src/client/index.js';
import { Avatar } from './Avatar.js';
import { userName } from './names.js';
import './MemberList.css';

export function MemberList({ users }: { users: UserSummary[] }) {
  return (
    <ul class="member-list" aria-label="Members">
      {users.map((user) => (
        <li key={user.id} title={userName(user)}>
          <Avatar user={user} />
          <span class="visually-hidden">{userName(user)}</span>
        </li>
      ))}
    </ul>
  );
}
