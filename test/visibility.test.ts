/**
 * Who may read a timeline entry is one rule (src/domain/policy/visibility.ts `mayReadEntry`),
 * which lists apply in SQL (src/store/timeline-entries.ts `readableBy`, and the count of a
 * thread's replies each reader sees). On a real database, for random entries and replies and
 * every kind of reader, the two must agree exactly. Replies are stored with any audience here, wider than their comment's too (as
 * an older Confab wrote them), so the rule's own check of the comment is what is tested.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mayReadEntry, readerOf } from '../src/domain/policy/visibility.js';
import { createUser, initOrg } from '../src/domain/orgs.js';
import { now, TIMELINE_VISIBILITIES, type EntryReader, type Org, type User } from '../src/model/index.js';
import type { RootStore } from '../src/store/index.js';
import { openTestStore } from './helpers/store.js';

let store: RootStore;
let close: () => Promise<void>;
let org: Org;
let people: User[];

beforeAll(async () => {
  ({ store, close } = await openTestStore());
  const init = await initOrg(store, 'visibility', 'admin@example.com');
  org = init.org;
  const dev = await createUser(store, org, { type: 'dev_user', email: 'dev@example.com', displayName: 'dev' });
  const rev = await createUser(store, org, { type: 'rev_user', email: 'rev@example.com', displayName: 'rev' });
  const bot = await createUser(store, org, { type: 'service_account', email: 'bot@example.com', displayName: 'bot' });
  people = [init.user, dev, rev, bot];
});
afterAll(() => close());

const entrySpec = fc.record({
  visibility: fc.constantFrom(...TIMELINE_VISIBILITIES),
  author: fc.nat({ max: 3 }),
  privateTo: fc.uniqueArray(fc.nat({ max: 3 }), { maxLength: 3 }),
  /** Which earlier entry this replies to, if that one is not a reply itself. */
  replyTo: fc.option(fc.nat({ max: 2 }), { nil: undefined, freq: 2 }),
});
type EntrySpec = typeof entrySpec extends fc.Arbitrary<infer T> ? T : never;

/** The index of the comment a spec replies to, or none: threads are one level deep. */
function commentOf(specs: readonly EntrySpec[], index: number): number | undefined {
  const target = specs[index]!.replyTo;
  if (target === undefined || target >= index || specs[target]!.replyTo !== undefined) return undefined;
  return target;
}

function ownAudience(spec: EntrySpec) {
  const privateTo = spec.visibility === 'private' ? spec.privateTo.map((i) => people[i]!.id) : [];
  return { visibility: spec.visibility, authorId: people[spec.author]!.id, privateTo };
}

/** The entry's audience as the TypeScript rule takes it: its own, and its comment's. */
function audienceOf(specs: readonly EntrySpec[], index: number) {
  const comment = commentOf(specs, index);
  return { ...ownAudience(specs[index]!), ...(comment !== undefined && { parent: ownAudience(specs[comment]!) }) };
}

/** Whom a chat's timeline lists them for, by the TypeScript rule. */
function readableFor(specs: readonly EntrySpec[], numbers: readonly number[], reader: EntryReader): number[] {
  return numbers.filter((_, index) => mayReadEntry(audienceOf(specs, index), reader));
}

describe('timeline visibility', () => {
  it('lists exactly the entries the rule lets each reader read', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(entrySpec, { minLength: 1, maxLength: 8 }), async (specs) => {
        const at = now();
        const numbers: number[] = [];
        const chatId = await store.transaction(async (tx) => {
          const id = await tx.chats.insert({
            orgId: org.id,
            number: await tx.orgs.nextNumber(org.id, 'chat'),
            title: null,
            isDefault: false,
            memberKey: people.map((person) => person.id).join(','),
            customFields: null,
            records: [],
            userIds: people.map((person) => person.id),
            groupIds: [],
            createdBy: people[0]!.id,
            vouched: true,
            at,
          });
          const ids: number[] = [];
          for (const [index, spec] of specs.entries()) {
            const comment = commentOf(specs, index);
            numbers.push(await tx.orgs.nextNumber(org.id, 'timeline_comment'));
            ids.push(await tx.timelineEntries.insert({
              orgId: org.id,
              chatId: id,
              number: numbers.at(-1)!,
              body: 'hello',
              bodyType: 'text',
              externalRef: null,
              visibility: spec.visibility,
              labels: [],
              privateTo: spec.visibility === 'private' ? spec.privateTo.map((index) => people[index]!.id) : [],
              expiresAt: null,
              createdBy: people[spec.author]!.id,
              at,
              ...(comment !== undefined && { parentId: ids[comment]! }),
            }));
          }
          return id;
        });
        const all = await store.timelineEntries.slice(
          { chatId, reader: { userId: -1, seesInternal: true }, now: now(), thread: 'any' },
          { direction: 'older', limit: 100 },
        );
        // Someone of the dev organization in no private audience: the rows are there.
        expect(all.map((entry) => entry.number).sort((a, b) => a - b)).toEqual(readableFor(specs, numbers, { userId: -1, seesInternal: true }));
        for (const person of people) {
          const reader = readerOf(person);
          const listed = await store.timelineEntries.slice({ chatId, reader, now: now(), thread: 'any' }, { direction: 'older', limit: 100 });
          expect(listed.map((entry) => entry.number).sort((a, b) => a - b)).toEqual(readableFor(specs, numbers, reader));
          // A comment's thread.total_replies (the rule's SQL form on the replies' alias) counts the replies it lists.
          const readable = new Set(readableFor(specs, numbers, reader));
          for (const entry of listed) {
            const index = numbers.indexOf(entry.number);
            const replies = numbers.filter((number, other) => commentOf(specs, other) === index && readable.has(number));
            expect(entry.totalReplies).toBe(replies.length);
          }
        }
      }),
      { numRuns: 40, seed: 20261130 },
    );
  });
});
