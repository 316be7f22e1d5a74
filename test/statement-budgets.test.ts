/**
 * What each hot operation costs the database, in statements (DESIGN.md "Speed model",
 * issue 23): each is called once to warm what it may cache, then once more and counted
 * through `confab_db_statements_total{operation}`. A change that adds a statement to one
 * of these paths fails here the day it lands. Runs on SQLite and PostgreSQL alike.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useServer, type Person, type Response } from './helpers/server.js';
import { statementsOfCall } from './helpers/statements.js';

const test = useServer();

let alice: Person;
let bob: Person;
let carol: Person;
let chat: { id: string };
let entry: { id: string };

/**
 * What `call` costs with warm caches. Twice, keeping the smaller: on PostgreSQL a cached
 * grant lives a second and any write to tokens or users drops it, so a loaded machine may
 * see one call pay for the lookup again. A statement the operation itself adds shows in
 * both calls, and fails the budget all the same.
 */
async function warmCost(operation: string, call: () => Promise<Response>, status = 200): Promise<number> {
  expect((await call()).status).toBe(status);
  const first = await statementsOfCall(test, operation, call, status);
  return Math.min(first, await statementsOfCall(test, operation, call, status));
}

beforeAll(async () => {
  alice = await test.given.org();
  bob = await test.given.user(alice);
  carol = await test.given.user(alice);
  const group = await test.given.group(alice, [carol]);
  chat = await test.given.chat(alice, [bob], { groups: [group.id] });
  entry = await test.given.message(bob, chat, 'hello budgeted world');
  await test.given.message(alice, chat, 'a private note', { visibility: 'private', private_to: [bob.id] });
  const reply = { object: entry.id, type: 'timeline_comment', body: 'a reply in the thread' };
  expect((await test.as(alice).post('/timeline-entries.create', reply)).status).toBe(201);
  expect((await test.as(bob).post('/timeline-entries.create', { ...reply, body: 'another reply' })).status).toBe(201);
  expect((await test.as(alice).post('/reactions.update', { object: entry.id, emoji: '1f44d', action: 'add' })).status).toBe(200);
  for (let index = 0; index < 60; index++) {
    const other = await test.given.chat(alice, [index % 2 === 0 ? bob : carol]);
    await test.given.message(index % 3 === 0 ? alice : index % 2 === 0 ? bob : carol, other, `message ${index}`);
    if (index % 4 === 0) expect((await test.as(alice).post('/chats.mark-read', { id: other.id })).status).toBe(200);
  }
}, 120_000);

describe('statements per operation, after one call to warm caches', () => {
  it('chats.list: a page of 50 chats is at most 10 statements', async () => {
    const cost = await warmCost('chats.list', () => test.as(alice).post('/chats.list', { limit: 50 }));
    expect(cost).toBeLessThanOrEqual(10);
  });

  it('chats.list: a page costs the same at 5 chats as at 50', async () => {
    const small = await warmCost('chats.list', () => test.as(alice).post('/chats.list', { limit: 5 }));
    const large = await warmCost('chats.list', () => test.as(alice).post('/chats.list', { limit: 50 }));
    expect(large).toBe(small);
  });

  it('dev-users.self sends nothing: the grant is cached on both databases', async () => {
    expect(await warmCost('dev-users.self', () => test.as(alice).get('/dev-users.self'))).toBe(0);
  });

  it('presence.list: at most 2 statements', async () => {
    const cost = await warmCost('presence.list', () => test.as(alice).post('/presence.list', { users: [bob.id, carol.id] }));
    expect(cost).toBeLessThanOrEqual(2);
  });

  it('chats.get sends nothing: the chat, its members and their summaries are cached', async () => {
    expect(await warmCost('chats.get', () => test.as(alice).get('/chats.get', { id: chat.id }))).toBe(0);
  });

  it('chats.get: one statement after a message moved the chat, which drops only its activity', async () => {
    const read = () => test.as(alice).get('/chats.get', { id: chat.id });
    expect((await read()).status).toBe(200);
    await test.given.message(bob, chat, 'moves the chat');
    expect(await statementsOfCall(test, 'chats.get', read)).toBe(1);
  });

  it('timeline-entries.get: at most 1 statement, reactions and the reader\'s reply count included', async () => {
    const cost = await warmCost('timeline-entries.get', () => test.as(alice).get('/timeline-entries.get', { id: entry.id }));
    expect(cost).toBeLessThanOrEqual(1);
  });

  it('timeline-entries.list: a page is at most 3 statements', async () => {
    const cost = await warmCost('timeline-entries.list', () => test.as(alice).get('/timeline-entries.list', { object: chat.id }));
    expect(cost).toBeLessThanOrEqual(3);
  });

  it('timeline-entries.list: a page of a thread is at most 3 statements', async () => {
    const cost = await warmCost('timeline-entries.list', () => test.as(alice).get('/timeline-entries.list', { object: entry.id }));
    expect(cost).toBeLessThanOrEqual(3);
  });

  it('timeline-entries.search: at most 3 statements', async () => {
    const cost = await warmCost('timeline-entries.search', () => test.as(alice).post('/timeline-entries.search', { query: 'budgeted' }));
    expect(cost).toBeLessThanOrEqual(3);
  });
});

describe('statements per write (issue 24: answered from what was written, the chat touched once)', () => {
  it('timeline-entries.create: at most 8 statements', async () => {
    const post = () => test.as(alice).post('/timeline-entries.create', { object: chat.id, type: 'timeline_comment', body: 'counted' });
    expect(await warmCost('timeline-entries.create', post, 201)).toBeLessThanOrEqual(8);
  });

  // Ceilings at today's counts (issue 24's budgets are for a message in a chat): a reply reads
  // its comment whole first, and a reaction its entry, which the entry read model will shrink.
  it('timeline-entries.create: a reply in a thread is at most 17 statements', async () => {
    const reply = () => test.as(bob).post('/timeline-entries.create', { object: entry.id, type: 'timeline_comment', body: 'counted reply' });
    expect(await warmCost('timeline-entries.create', reply, 201)).toBeLessThanOrEqual(17);
  });

  it('chats.create: at most 8 statements', async () => {
    const create = () => test.as(alice).post('/chats.create', { type: 'dm', users: [alice.id, bob.id, carol.id], is_default: false, title: 'counted' });
    expect(await warmCost('chats.create', create, 201)).toBeLessThanOrEqual(8);
  });

  it('reactions.update: at most 12 statements (the budget of 5 needs the entry read model)', async () => {
    let add = false;
    const toggle = () => test.as(carol).post('/reactions.update', { object: entry.id, emoji: '1f389', action: (add = !add) ? 'add' : 'remove' });
    expect(await warmCost('reactions.update', toggle)).toBeLessThanOrEqual(12);
  });
});

describe('confab_db_statements_total', () => {
  it('counts a refused token\'s lookup against the operation, and is one series per operation', async () => {
    const cost = await statementsOfCall(test, 'chats.get', () => test.client('Bearer cfb_unknown').get('/chats.get', { id: chat.id }), 401);
    expect(cost).toBe(1);
    const text = await (await fetch(`${test.url}/metrics`)).text();
    expect(text).toContain('# TYPE confab_db_statements_total counter');
    expect(text.split('\n').filter((line) => line.startsWith('confab_db_statements_total{operation="chats.get"}'))).toHaveLength(1);
  });
});
