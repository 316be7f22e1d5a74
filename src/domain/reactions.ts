/**
 * Reactions, DevRev's way: `reactions.update` adds or removes the caller's reaction with one
 * emoji on a comment, `reactions.list` pages through who reacted with it. Only those who
 * may read the comment react to it or see its reactors. A change is a
 * `timeline_entry_updated` of the comment, in the same transaction.
 */
import type { Store } from '../store/index.js';
import type { ReactorPosition } from '../store/reactions.js';
import { cursorSecret, openKeyCursor, sealKeyCursor } from './cursors.js';
import { readBeyond } from './paging.js';
import { parseEmoji } from './emoji.js';
import { BadRequest } from './errors.js';
import { recordEntryEvent } from './events.js';
import { audienceOf, readEntry } from './timeline-entries.js';
import { now, type Principal, type User } from '../model/index.js';
import { DEFAULT_PAGE_SIZE } from '../schema/limits.js';


export interface UpdateReactionInput {
  object: string;
  emoji: string;
  action: 'add' | 'remove';
}

/** Adding a reaction twice, or removing one that is not there, changes nothing and tells no one. */
export async function updateReaction(store: Store, principal: Principal, input: UpdateReactionInput): Promise<void> {
  const emoji = parseEmoji('emoji', input.emoji);
  const entry = await readEntry(store, principal, input.object, 'object');
  if (entry.deletedAt !== null) throw BadRequest.notPermitted('object', 'the comment was deleted');
  const at = now();
  await store.transaction(async (tx) => {
    const changed =
      input.action === 'add'
        ? await tx.reactions.add(entry.id, emoji, principal.user.id, at)
        : await tx.reactions.remove(entry.id, emoji, principal.user.id);
    if (!changed) return;
    // A reaction changes the comment's reactions and nothing else: those are read again, whole,
    // since others may have reacted meanwhile; the rest is the comment as it was read.
    const reactions = (await tx.reactions.ofEntries([entry.id])).get(entry.id) ?? [];
    await recordEntryEvent(tx, 'timeline_entry_updated', { ...entry, reactions }, await audienceOf(tx, entry), at, entry);
  });
}

export interface ListReactionsInput {
  object: string;
  emoji: string;
  cursor?: string;
  limit?: number;
}

export interface ReactorsPage {
  reactors: User[];
  nextCursor?: string;
}

/** Who reacted with `emoji`, in the order they reacted. */
export async function listReactions(store: Store, principal: Principal, input: ListReactionsInput): Promise<ReactorsPage> {
  const emoji = parseEmoji('emoji', input.emoji);
  const entry = await readEntry(store, principal, input.object, 'object');
  const list = `reactions.list:${entry.id}:${emoji}`;
  const secret = await cursorSecret(store);
  const cursor = input.cursor === undefined ? undefined : openKeyCursor(secret, input.cursor, list);
  const limit = input.limit ?? DEFAULT_PAGE_SIZE;
  const from: ReactorPosition | undefined = cursor && { createdAt: cursor.key, userId: cursor.id };
  const { rows, more } = await readBeyond(limit, (size) => store.reactions.reactors(entry.id, emoji, from, size));
  const users = new Map((await store.users.findByIds(rows.map((row) => row.userId))).map((user) => [user.id, user]));
  const page: ReactorsPage = { reactors: rows.map((row) => users.get(row.userId)!) };
  const last = rows[rows.length - 1];
  if (more && last) page.nextCursor = sealKeyCursor(secret, { list, key: last.createdAt, id: last.userId, mode: 'after' });
  return page;
}
