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

async function warmCost(operation: string, call: () => Promise<Response>): Promise<number> {
  expect((await call()).status).toBe(200);
  const cost = await statementsOfCall(t, operation, call);
  return Math.min(cost, await statementsOfCall(t, operation, call));
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
    const small = await warmCost('conversations.list', () => t.as(people.agent).post('/conversations.list', { limit: 3 }));
    const large = await warmCost('conversations.list', () => t.as(people.agent).post('/conversations.list', { limit: 30 }));
    expect(large).toBe(small);
    expect(large).toBeLessThanOrEqual(9);
  });

  it('conversations.get by a customer: at most 7 statements', async () => {
    const cost = await warmCost('conversations.get', () => t.as(people.alice).post('/conversations.get', { id: first.id }));
    expect(cost).toBeLessThanOrEqual(7);
  });
});
