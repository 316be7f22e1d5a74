/**
 * Who is in which chat, read from the `chat_members` view (migration 0007): a chat's users
 * and the members of its groups. Set-based questions — a chat's audience, the chats of a
 * user — ask these, so the rule is written once in SQL; the domain's `isMember`
 * (domain/visibility.ts) is the same rule for one chat already in hand.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** The ids of the chats `userId` belongs to, as a subquery other store queries filter on. */
export function chatIdsOfUser(db: Kysely<Database>, userId: number) {
  return db.selectFrom('chat_members').select('chat_members.chat_id').where('chat_members.user_id', '=', userId);
}

/** The ids of everyone who belongs to a chat now: its users and its groups' members. */
export async function memberIdsOfChat(db: Kysely<Database>, chatId: number): Promise<number[]> {
  const rows = await db.selectFrom('chat_members').select('user_id').distinct().where('chat_id', '=', chatId).execute();
  return rows.map((row) => row.user_id);
}

/** Of `candidateIds`, those who share at least one chat with `userId` (themselves excluded). */
export async function sharingAChatWith(db: Kysely<Database>, userId: number, candidateIds: readonly number[]): Promise<number[]> {
  const others = [...new Set(candidateIds)].filter((id) => id !== userId);
  if (others.length === 0) return [];
  const rows = await db
    .selectFrom('chat_members')
    .select('user_id')
    .distinct()
    .where('chat_id', 'in', chatIdsOfUser(db, userId))
    .where('user_id', 'in', others)
    .execute();
  return rows.map((row) => row.user_id);
}
