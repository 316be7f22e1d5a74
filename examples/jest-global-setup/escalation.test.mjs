import { beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { connectConfab } from 'confab';
import { escalate } from './support.mjs';

const confab = connectConfab(JSON.parse(process.env.CONFAB));
const TOKEN = `jest-agent-${process.pid}`;
let acme;

// Each test file takes an organization of its own, so files can run in parallel on one server.
beforeAll(async () => {
  acme = await confab.orgs.create({
    name: 'Acme',
    users: [
      { ref: 'agent', type: 'dev_user', email: 'agent@acme.test' },
      { ref: 'carol', type: 'rev_user', email: 'carol@customer.test' },
    ],
    tokens: [{ user: 'agent', value: TOKEN }],
  });
});
beforeEach(async () => {
  await acme.requests.clear();
});

describe('escalate', () => {
  it('opens a chat with the customer and greets them', async () => {
    const chatId = await escalate(confab.url, TOKEN, 'DEVU-1', 'REVU-1');

    const created = await acme.requests.one({ operation: 'chats.create' });
    expect(created.status).toBe(201);
    expect(created.request_body).toMatchObject({ users: ['DEVU-1', 'REVU-1'], title: 'Escalation' });
    const greeting = await acme.requests.one({ operation: 'timeline-entries.create', request_body: { object: chatId } });
    expect(greeting.request_body).toMatchObject({ body: 'Hello, how can we help?' });
  });

  it('sends nothing else', async () => {
    await escalate(confab.url, TOKEN, 'DEVU-1', 'REVU-1');
    expect(await acme.requests.count()).toBe(2);
  });
});
