/**
 * Who may read a timeline entry is one rule (src/domain/visibility.ts `mayReadEntry`),
 * which lists apply in SQL (src/store/timeline-entries.ts `readableBy`). On a real
 * database, for random entries and every kind of reader, the two must agree exactly.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mayReadEntry, readerOf } from '../src/domain/visibility.js';
import { createUser, initOrg } from '../src/domain/orgs.js';
import { now, TIMELINE_VISIBILITIES, type Org, type User } from '../src/model/index.js';
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
});

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
          for (const spec of specs) {
            numbers.push(await tx.orgs.nextNumber(org.id, 'timeline_comment'));
            await tx.timelineEntries.insert({
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
            });
          }
          return id;
        });
        const all = await store.timelineEntries.slice(
          { chatId, reader: { userId: -1, seesInternal: true }, now: now() },
          { direction: 'older', limit: 100 },
        );
        expect(all.filter((entry) => entry.visibility !== 'private')).toHaveLength(
          specs.filter((spec) => spec.visibility !== 'private').length,
        );
        for (const person of people) {
          const reader = readerOf(person);
          const listed = await store.timelineEntries.slice({ chatId, reader, now: now() }, { direction: 'older', limit: 100 });
          const expected: number[] = [];
          for (const [index, spec] of specs.entries()) {
            const privateTo = spec.visibility === 'private' ? spec.privateTo.map((i) => people[i]!.id) : [];
            if (mayReadEntry({ visibility: spec.visibility, authorId: people[spec.author]!.id, privateTo }, reader)) {
              expected.push(numbers[index]!);
            }
          }
          expect(listed.map((entry) => entry.number).sort((a, b) => a - b)).toEqual(expected);
        }
      }),
      { numRuns: 40, seed: 20261130 },
    );
  });
});
