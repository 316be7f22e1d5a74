import { connectConfab, type ConfabTenant } from 'confab';
import { beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { escalate } from './support.js';

const confab = connectConfab(inject('confab'));
let acme: ConfabTenant;

// Each test file takes an organization of its own, so files can run in parallel on one server.
beforeAll(async () => {
  acme = await confab.orgs.create({
    name: 'Acme',
    users: [
      { ref: 'agent', type: 'dev_user', email: 'agent@acme.test' },
      { ref: 'carol', type: 'rev_user', email: 'carol@customer.test' },
    ],
    tokens: [{ user: 'agent', value: `vitest-agent-${process.pid}` }],
  });
});
beforeEach(async () => {
  await acme.requests.clear();
});

describe('escalate', () => {
  it('opens a chat with the customer and greets them', async () => {
    const chatId = await escalate(confab.url, `vitest-agent-${process.pid}`, 'DEVU-1', 'REVU-1');

    // The journal shows exactly what the code sent.
    const created = await acme.requests.one({ operation: 'chats.create' });
    expect(created.status).toBe(201);
    expect(created.request_body).toMatchObject({ users: ['DEVU-1', 'REVU-1'], title: 'Escalation' });
    const greeting = await acme.requests.one({ operation: 'timeline-entries.create', request_body: { object: chatId } });
    expect(greeting.request_body).toMatchObject({ body: 'Hello, how can we help?' });
    expect(greeting.events).toHaveLength(1);
  });

  it('sends nothing else', async () => {
    await escalate(confab.url, `vitest-agent-${process.pid}`, 'DEVU-1', 'REVU-1');
    expect(await acme.requests.count()).toBe(2);
  });
});
