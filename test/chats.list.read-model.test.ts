/**
 * chats.list answers a page from a read model (bulk chats, one statement for each chat's
 * last visible entry, one grouped statement for the unread counts). This checks it against
 * the per-chat answers — chats.get and a one-entry timeline-entries.list over HTTP, and the
 * store's per-chat unread counts — over random chats, members, entries (private, internal,
 * replies, deleted) and read markers, for staff and a customer alike.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readerOf } from '../src/domain/policy/visibility.js';
import { now } from '../src/model/index.js';
import { useServer, type Person } from './helpers/server.js';

const test = useServer();

/** A small seeded generator (mulberry32), so a failure can be replayed. */
function random(seed: number) {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  return { next, pick, chance: (p: number) => next() < p };
}

let admin: Person;
let people: Person[];

beforeAll(async () => {
  admin = await test.given.org();
  const staff = [await test.given.user(admin), await test.given.user(admin)];
  const revOrg = (await test.as(admin).post('/rev-orgs.create', { display_name: 'Acme' })).body.rev_org.id;
  people = [admin, ...staff, await test.given.customer(admin, revOrg)];
});

async function populate(seed: number): Promise<void> {
  const rng = random(seed);
  const group = await test.given.group(admin, [people[2]!]);
  const chats: { id: string; members: Person[] }[] = [];
  for (let index = 0; index < 6; index++) {
    const others = people.slice(1).filter(() => rng.chance(0.6));
    const viaGroup = rng.chance(0.3);
    const chat = await test.given.chat(admin, others, viaGroup ? { groups: [group.id] } : {});
    chats.push({ id: chat.id, members: [admin, ...others, ...(viaGroup && !others.includes(people[2]!) ? [people[2]!] : [])] });
  }
  const comments: { id: string; chat: string; author: Person }[] = [];
  for (let index = 0; index < 40; index++) {
    const chat = rng.pick(chats);
    const author = rng.pick(chat.members);
    const visibility = rng.pick(['external', 'internal', 'private', undefined] as const);
    const privateTo = visibility === 'private' && rng.chance(0.7) ? [rng.pick(chat.members).id] : [];
    const parent = rng.chance(0.35) ? comments.filter((comment) => comment.chat === chat.id).at(-1) : undefined;
    const body = {
      type: 'timeline_comment',
      object: parent?.id ?? chat.id,
      body: `entry ${seed}-${index}`,
      ...(visibility && { visibility }),
      ...(privateTo.length > 0 && { private_to: privateTo.filter((id) => id !== author.id) }),
    };
    // Some of these are refused (a customer's internal note, a reply wider than its comment): fine.
    const created = await test.as(author).post('/timeline-entries.create', body);
    if (created.status !== 201) continue;
    const entry = created.body.timeline_entry;
    if (!parent) comments.push({ id: entry.id, chat: chat.id, author });
    if (rng.chance(0.1)) expect((await test.as(author).post('/timeline-entries.delete', { id: entry.id })).status).toBe(200);
    // A reader marks the chat read up to here now and then (refused when they may not see it).
    if (rng.chance(0.25)) await test.as(rng.pick(chat.members)).post('/chats.mark-read', { id: chat.id, entry: entry.id });
  }
}

/** What the comparisons covered, so the test cannot pass by comparing nothing. */
const seen = { items: 0, unread: 0, threads: 0, lastEntries: 0 };

async function expectListMatchesPerChatAnswers(person: Person): Promise<void> {
  const page = await test.as(person).post('/chats.list', { limit: 100 });
  expect(page.status).toBe(200);
  for (const item of page.body.chats) {
    seen.items++;
    if (item.unread_count > 0) seen.unread++;
    if (item.unread_thread_count > 0) seen.threads++;
    if (item.last_entry) seen.lastEntries++;
    const chat = await test.as(person).get('/chats.get', { id: item.chat.id });
    expect(item.chat).toEqual(chat.body.chat);
    const timeline = await test.as(person).get('/timeline-entries.list', { object: item.chat.id, limit: '1' });
    expect(item.last_entry).toEqual(timeline.body.timeline_entries[0]);
    const chatId = (await test.server.store.chats.findByNumber(person.org.id, Number(item.chat.display_id.split('-').at(-1))))!.id;
    const view = { chatId, reader: readerOf(person.user), now: now() };
    const marker = await test.server.store.chatReads.find(person.user.id, chatId);
    expect({ unread: item.unread_count, threads: item.unread_thread_count }, `${person.displayId} in ${item.chat.display_id}`).toEqual({
      unread: await test.server.store.timelineEntries.countUnread(view, marker),
      threads: await test.server.store.timelineEntries.countUnreadThreads(view, marker),
    });
  }
}

describe('chats.list read model', () => {
  for (const seed of [1, 2, 3]) {
    it(`agrees with the per-chat answers for every reader (seed ${seed})`, async () => {
      await populate(seed);
      for (const person of people) await expectListMatchesPerChatAnswers(person);
    }, 60_000);
  }

  it('compared chats with unread entries, unread replies and last entries', () => {
    expect(seen.items).toBeGreaterThan(20);
    expect(seen.unread).toBeGreaterThan(5);
    expect(seen.threads).toBeGreaterThan(0);
    expect(seen.lastEntries).toBeGreaterThan(10);
  });
});
