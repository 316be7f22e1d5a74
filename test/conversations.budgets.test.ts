/**
 * What the conversation operations cost the database, in statements (DESIGN.md "Speed
 * model"): a page of conversations.list is a few statements whatever its size, as chats.list is.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { supportSetting, type SupportSetting } from './helpers/conversations.js';
import { useServer, type Response } from './helpers/server.js';
import { statementsOfCall } from './helpers/statements.js';

const t = useServer();
let people: SupportSetting;
let first: { id: string };

/**
 * The smallest of three counted calls after one to warm: right after the setup's thirty
 * creates, a call may still meet a cache that a late write of the setup dropped.
 */
async function warmCost(operation: string, call: () => Promise<Response>): Promise<number> {
  expect((await call()).status).toBe(200);
  const costs = [];
  for (let i = 0; i < 3; i++) costs.push(await statementsOfCall(t, operation, call));
  return Math.min(...costs);
}

beforeAll(async () => {
  people = await supportSetting(t);
  const { agent, alice } = people;
  for (let index = 0; index < 30; index++) {
    const body = { type: 'support', title: `ticket ${index}`, owned_by: [agent.id], ...(index % 2 === 0 && { members: [alice.id] }) };
    const created = await t.as(agent).post('/conversations.create', body);
    expect(created.status).toBe(201);
    first ??= created.body.conversation;
  }
}, 120_000);

describe('statements per conversation operation, after one call to warm caches', () => {
  it('conversations.list: a page costs the same at 3 conversations as at 30: at most 9 statements', async () => {
    // Warm for the larger page first: it reads people the smaller one does not.
    expect((await t.as(people.agent).post('/conversations.list', { limit: 30 })).status).toBe(200);
    const small = await warmCost('conversations.list', () => t.as(people.agent).post('/conversations.list', { limit: 3 }));
    const large = await warmCost('conversations.list', () => t.as(people.agent).post('/conversations.list', { limit: 30 }));
    expect(large).toBe(small);
    expect(large).toBeLessThanOrEqual(9);
  });

  it('timeline-entries.create on a conversation costs what a message in a DM does (one more at most); a customer\'s, which may reopen it, two more', async () => {
    const { agent, alice } = people;
    const chat = await t.given.chat(agent, [alice]);
    const post = (person: SupportSetting['agent'], object: string) => () =>
      t.as(person).post('/timeline-entries.create', { type: 'timeline_comment', object, body: 'hello' });
    for (const object of [chat.id, first.id]) expect((await post(agent, object)()).status).toBe(201);
    const inDm = await statementsOfCall(t, 'timeline-entries.create', post(agent, chat.id), 201);
    const byStaff = await statementsOfCall(t, 'timeline-entries.create', post(agent, first.id), 201);
    const byCustomer = await statementsOfCall(t, 'timeline-entries.create', post(alice, first.id), 201);
    // One more at most: a conversation staff started has a creator who is not among its members, read apart.
    expect(byStaff).toBeLessThanOrEqual(inDm + 1);
    // And one to read its stage, which a customer's message on a resolved conversation changes,
    // and one that answering any customer takes (whose email they may see: policy/customers.ts).
    expect(byCustomer).toBeLessThanOrEqual(inDm + 3);
  });

  it('conversations.get by a customer: at most 7 statements', async () => {
    const cost = await warmCost('conversations.get', () => t.as(people.alice).post('/conversations.get', { id: first.id }));
    expect(cost).toBeLessThanOrEqual(7);
  });
});
