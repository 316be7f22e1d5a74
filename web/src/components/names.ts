import type { Chat, UserSummary } from '../../../src/client/index.js';
import type { TimelineEntry } from '../../../src/schema/timeline-entries.js';
import { fileName } from '../files.js';

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

/** A message in one line (the chat list's preview): its text, else the names of its files. */
export function messagePreview(entry: TimelineEntry): string {
  if (entry.body) return entry.body;
  const files = entry.artifacts ?? [];
  if (files.length === 0) return '';
  return `${files.length === 1 ? 'File' : `${files.length} files`}: ${files.map(fileName).join(', ')}`;
}
