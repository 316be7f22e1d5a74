import { afterAll, describe, expect, it } from 'vitest';
import { PER_TARGET_CONCURRENCY } from '../src/realtime/deliveries.js';
import { echoChallenge, Receiver } from './helpers/receiver.js';
import { useServer, type Person } from './helpers/server.js';

// A long timeout: a receiver that hangs holds its deliveries for all of it.
const t = useServer({ realtime: { webhookAllowPrivate: true, webhookRetryDelaysMs: [0], webhookTimeoutMs: 10_000, eventPollMs: 50 } });
const receivers: Receiver[] = [];
afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.stop()));
});

async function activeWebhook(admin: Person, target: Receiver): Promise<void> {
  const created = await t.as(admin).post('/webhooks.create', { url: `${target.url}/hook`, event_types: ['timeline_entry_created'] });
  expect(created.status).toBe(201);
  const deadline = Date.now() + 5000;
  while ((await t.as(admin).get('/webhooks.get', { id: created.body.webhook.id })).body.webhook.status !== 'active') {
    if (Date.now() > deadline) throw new Error('the webhook never became active');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function post(author: Person, body: string): Promise<void> {
  const chat = await t.as(author).post('/chats.create', { type: 'dm', users: [author.id], is_default: false });
  expect(chat.status).toBe(201);
  expect((await t.as(author).post('/timeline-entries.create', { type: 'timeline_comment', object: chat.body.chat.id, body })).status).toBe(201);
}

describe('webhook deliveries', () => {
  it('are sent independently: one tenant’s hanging receiver delays no one else, and holds at most a few deliveries at once', async () => {
    const slow = await Receiver.start((request) => (request.body?.type === 'verify' ? echoChallenge(request, 0) : 'hang'));
    const fast = await Receiver.start();
    receivers.push(slow, fast);
    const ada = await t.given.org();
    const eve = await t.given.org();
    await activeWebhook(ada, slow);
    await activeWebhook(eve, fast);

    for (let i = 0; i < PER_TARGET_CONCURRENCY + 3; i++) await post(ada, `to a slow receiver ${i}`);
    await slow.until(() => slow.of('timeline_entry_created').length === PER_TARGET_CONCURRENCY);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(slow.of('timeline_entry_created')).toHaveLength(PER_TARGET_CONCURRENCY);

    // The slow receiver still holds every request it got; eve's event goes out regardless.
    await post(eve, 'to a fast receiver');
    await fast.until(() => fast.of('timeline_entry_created').length === 1, 5000);
    expect(slow.of('timeline_entry_created')).toHaveLength(PER_TARGET_CONCURRENCY);
  });
});
