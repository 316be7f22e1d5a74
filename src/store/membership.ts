/**
 * Who is in which chat, read from the `chat_members` view (migration 0007): a chat's users
 * and the members of its groups. Set-based questions — a chat's audience, the chats of a
 * user — ask these, so the rule is written once in SQL; the domain's `isMember`
 * (domain/policy/visibility.ts) is the same rule for one chat already in hand.
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

/** Of `candidateIds`, or of everyone, those who share at least one chat with `userId` (themselves excluded). */
export async function sharingAChatWith(db: Kysely<Database>, userId: number, candidateIds?: readonly number[]): Promise<number[]> {
  const others = candidateIds && [...new Set(candidateIds)].filter((id) => id !== userId);
  if (others?.length === 0) return [];
  const rows = await db
    .selectFrom('chat_members')
    .select('user_id')
    .distinct()
    .where('chat_id', 'in', chatIdsOfUser(db, userId))
    .$if(others !== undefined, (query) => query.where('user_id', 'in', others!))
    .execute();
  return rows.map((row) => row.user_id).filter((id) => id !== userId);
}

/**
 * Those who share a chat with `userId` (themselves excluded) and are in it by staff's doing:
 * a user row or a group row marked `vouched` (migration 0023). Of `candidateIds` when given.
 */
export async function vouchedContactsOf(db: Kysely<Database>, userId: number, candidateIds?: readonly number[]): Promise<number[]> {
  const others = candidateIds && [...new Set(candidateIds)].filter((id) => id !== userId);
  if (others?.length === 0) return [];
  const direct = db
    .selectFrom('chat_users')
    .select('chat_users.user_id')
    .where('chat_users.vouched', '=', 1)
    .where('chat_users.chat_id', 'in', chatIdsOfUser(db, userId))
    .$if(others !== undefined, (query) => query.where('chat_users.user_id', 'in', others!));
  const viaGroups = db
    .selectFrom('chat_groups')
    .innerJoin('group_members', 'group_members.group_id', 'chat_groups.group_id')
    .select('group_members.user_id')
    .where('chat_groups.vouched', '=', 1)
    .where('chat_groups.chat_id', 'in', chatIdsOfUser(db, userId))
    .$if(others !== undefined, (query) => query.where('group_members.user_id', 'in', others!));
  const rows = await direct.unionAll(viaGroups).execute();
  return [...new Set(rows.map((row) => row.user_id))].filter((id) => id !== userId);
}
