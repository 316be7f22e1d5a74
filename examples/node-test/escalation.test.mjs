/**
 * node:test needs no setup file: start the emulator in `before`, close it in `after`.
 * `node --test examples/node-test/escalation.test.mjs`
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startConfab } from 'confab';
import { escalate } from './support.mjs';

const FIXTURES = {
  organizations: [
    {
      name: 'Acme',
      slug: 'acme',
      users: [
        { ref: 'agent', type: 'dev_user', email: 'agent@acme.test', admin: true },
        { ref: 'carol', type: 'rev_user', email: 'carol@customer.test' },
      ],
      tokens: [{ user: 'agent', value: 'node-test-agent' }],
    },
  ],
};

describe('escalate', () => {
  let confab;
  let journal;

  before(async () => {
    confab = await startConfab({ fixtures: FIXTURES });
    // The fixture agent is an admin of Acme, so it may read Acme's journal.
    journal = confab.client('node-test-agent').requests();
  });
  after(() => confab.close());
  // Back to the fixtures, journal empty, before every test.
  beforeEach(() => confab.reset());

  it('opens a chat with the customer and greets them', async () => {
    const chatId = await escalate(confab.url, 'node-test-agent', 'DEVU-1', 'REVU-1');
    assert.equal(chatId, 'don:core:dvrv-us-1:devo/acme:chat/1');

    const created = await journal.one({ operation: 'chats.create' });
    assert.equal(created.status, 201);
    assert.deepEqual(created.request_body.users, ['DEVU-1', 'REVU-1']);
    await journal.one({ operation: 'timeline-entries.create', request_body: { object: chatId, body: 'Hello, how can we help?' } });
  });

  it('starts from the fixtures again: the chat numbering restarts', async () => {
    const chatId = await escalate(confab.url, 'node-test-agent', 'DEVU-1', 'REVU-1');
    assert.equal(chatId, 'don:core:dvrv-us-1:devo/acme:chat/1');
    assert.equal(await journal.count(), 2);
  });

  it('restores a snapshot', async () => {
    await escalate(confab.url, 'node-test-agent', 'DEVU-1', 'REVU-1');
    await confab.snapshot('one-chat');
    await escalate(confab.url, 'node-test-agent', 'DEVU-1', 'REVU-1');
    await confab.restore('one-chat');
    const third = await escalate(confab.url, 'node-test-agent', 'DEVU-1', 'REVU-1');
    assert.equal(third, 'don:core:dvrv-us-1:devo/acme:chat/2');
  });
});
