/** Timeline entries of an import, written in few statements. */
import { Verbatim } from '../store/index.js';
import type { NewReaction } from '../store/reactions.js';
import type { NewTimelineEntry } from '../store/timeline-entries.js';
import { ImportConflict, ImportError } from './errors.js';
import type { RecordOf } from './format.js';
import { numberOf, userKeyOf } from './records.js';
import { postingVouches } from '../domain/policy/customers.js';
import { advance, chatLookup, userLookup, type Item, type Target } from './resolve.js';

/**
 * Entries in few statements. A reply's parent is resolved from the database, or from this
 * run when it comes earlier in it (set once both are written); it must be a comment of the
 * same chat, not itself a reply, as DevRev's threads are one level deep.
 */
export async function insertEntries(target: Target, items: Item<RecordOf<'timeline_entry'>>[]): Promise<void> {
  const { tx, orgId, slug } = target;
  const chat = await chatLookup(target, items.map(({ record }) => record.chat));
  const user = await userLookup(
    target,
    items.flatMap(({ record }) => [
      record.created_by,
      record.modified_by,
      ...(record.private_to ?? []),
      ...(record.reactions ?? []).map((reaction) => reaction.user),
    ]),
  );
  const inRun = new Map(items.map((item, index) => [numberOf(item.record.id), { index, item }]));
  const stored = await tx.importLookups.entries(orgId, items.flatMap(({ record }) => (record.parent ? [numberOf(record.parent)] : [])));
  const externalRefs = new Map<string, number>();
  const inputs: NewTimelineEntry[] = [];
  const reactionsOf = new Map<number, Omit<NewReaction, 'entryId'>[]>();
  const pendingParents = new Map<number, number[]>();
  for (const [index, { line, record }] of items.entries()) {
    const chatId = chat(line, record.chat);
    if (record.parent !== undefined) {
      const parentNumber = numberOf(record.parent);
      const earlier = inRun.get(parentNumber);
      const parent = earlier && earlier.index < index ? { chatId: chat(line, earlier.item.record.chat), parentId: earlier.item.record.parent } : stored.get(parentNumber);
      if (!parent) throw new ImportError(line, `parent ${record.parent} is neither earlier in the file nor in the database`);
      if (parent.chatId !== chatId) throw new ImportError(line, `parent ${record.parent} is in another chat; a reply's parent is a comment of the same chat`);
      if (parent.parentId !== null && parent.parentId !== undefined) throw new ImportError(line, `parent ${record.parent} is itself a reply; threads are one level deep`);
    }
    if (record.external_ref !== undefined) {
      const key = `${chatId}:${record.external_ref}`;
      if (externalRefs.has(key)) throw new ImportError(line, `external_ref '${record.external_ref}' is used twice in chat ${record.chat}`);
      externalRefs.set(key, line);
    }
    const reactions = record.reactions ?? [];
    if (new Set(reactions.map((reaction) => `${reaction.emoji} ${reaction.user}`)).size !== reactions.length) {
      throw new ImportError(line, 'a user reacts with the same emoji twice');
    }
    const number = numberOf(record.id);
    inputs.push({
      orgId,
      chatId,
      number,
      parentId: record.parent === undefined ? null : (stored.get(numberOf(record.parent))?.id ?? null),
      body: record.body ?? null,
      bodyType: record.body_type ?? null,
      externalRef: record.external_ref ?? null,
      visibility: record.visibility,
      labels: new Verbatim(record.labels ?? null),
      privateTo: (record.private_to ?? []).map((ref) => user(line, ref)),
      expiresAt: record.expires_at ?? null,
      deletedAt: record.deleted_at ?? null,
      createdBy: user(line, record.created_by),
      modifiedBy: user(line, record.modified_by),
      at: record.created_at,
      modifiedAt: record.modified_at,
    });
    if (reactions.length > 0) {
      reactionsOf.set(number, reactions.map((reaction) => ({ emoji: reaction.emoji, userId: user(line, reaction.user), at: reaction.created_at })));
    }
  }
  const taken = await tx.importLookups.takenExternalRefs(inputs.flatMap((input) => (input.externalRef ? [{ chatId: input.chatId, externalRef: input.externalRef }] : [])));
  for (const [key, holder] of taken) {
    const line = externalRefs.get(key)!;
    const record = items.find((item) => item.line === line)!.record;
    throw new ImportConflict(line, `timeline entry ${record.id}: external_ref '${record.external_ref}' of chat ${record.chat} in organization ${slug} is taken by COMMENT-${holder}`);
  }
  const ids = await tx.timelineEntries.insertMany(inputs);
  await tx.reactions.addMany([...reactionsOf].flatMap(([number, reactions]) => reactions.map((reaction) => ({ entryId: ids.get(number)!, ...reaction }))));
  for (const [index, input] of inputs.entries()) {
    const record = items[index]!.record;
    if (record.parent === undefined || input.parentId !== null) continue;
    const parentId = ids.get(numberOf(record.parent))!;
    pendingParents.set(parentId, [...(pendingParents.get(parentId) ?? []), ids.get(input.number)!]);
  }
  await tx.timelineEntries.setParents(pendingParents);
  // Staff who wrote where customers read joined those chats (domain/policy/customers.ts).
  const posters = new Map<string, NewTimelineEntry>();
  for (const [index, input] of inputs.entries()) {
    if (postingVouches(userKeyOf(items[index]!.record.created_by), input.visibility)) posters.set(`${input.chatId} ${input.createdBy}`, input);
  }
  for (const poster of posters.values()) await tx.chats.vouch(poster.chatId, poster.createdBy);
  await advance(tx, orgId, 'timeline_comment', inputs.map((input) => input.number));
}
