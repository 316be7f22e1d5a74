import type { Chat, UserSummary } from '../../../src/client/index.js';

export function userName(user: UserSummary): string {
  return user.display_name ?? user.full_name ?? user.email ?? user.display_id ?? user.id;
}

/** A chat's title, or the names of the others in it. */
export function chatName(chat: Chat, selfId: string): string {
  if (chat.title) return chat.title;
  const users = chat.users;
  const others = users.filter((user) => user.id !== selfId);
  return (others.length > 0 ? others : users).map(userName).join(', ') || chat.display_id || 'Chat';
}
