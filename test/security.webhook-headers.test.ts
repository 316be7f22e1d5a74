/**
 * Webhook headers are checked when they are set, and a request that cannot be made at
 * all is a failed attempt: logged, retried on the schedule, then given up — never retried
 * for ever without a trace.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Receiver } from './helpers/receiver.js';
import { useServer, type Person } from './helpers/server.js';

const t = useServer({ realtime: { webhookAllowPrivate: true, webhookRetryDelaysMs: [0, 100, 200], webhookTimeoutMs: 2_000, eventPollMs: 50 } });
const receivers: Receiver[] = [];
afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.stop()));
});

/** Values no HTTP request may carry: control characters, DEL, a character beyond one byte. */
const BAD_VALUES = ['a\u0001b', 'escape \u001b[31m', 'a\u007fb', 'tab\ta\u0000', '€uro', 'x\r\nInjected: 1'];

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A webhook that has answered its challenge: nothing more happens to it until an event. */
async function activeWebhookOf(admin: Person, target?: Receiver) {
  const receiver = target ?? (await Receiver.start());
  if (!target) receivers.push(receiver);
  const created = await t.as(admin).post('/webhooks.create', {
    url: `${receiver.url}/hook`,
    event_types: ['timeline_entry_created'],
    headers: [{ name: 'X-Team', value: 'blue' }],
  });
  expect(created.status).toBe(201);
  const { webhook } = created.body;
  await eventually(async () => (await t.as(admin).get('/webhooks.get', { id: webhook.id })).body.webhook.status === 'active');
  return webhook;
}

describe('webhook headers', () => {
  it('are refused on webhooks.create with 400 invalid_field naming the value, and nothing is stored', async () => {
    const admin = await t.given.org();
    const before = await t.snapshot();
    for (const value of BAD_VALUES) {
      const response = await t.as(admin).post('/webhooks.create', {
        url: 'http://127.0.0.1:9/hook',
        headers: [{ name: 'X-Fine', value: 'fine' }, { name: 'X-Team', value }],
      });
      expect(response.status, JSON.stringify(value)).toBe(400);
      expect(response.body.type).toBe('invalid_field');
      expect(response.body.field_name).toBe('headers[1].value');
    }
    const badName = await t.as(admin).post('/webhooks.create', { url: 'http://127.0.0.1:9/hook', headers: [{ name: 'X Team', value: 'blue' }] });
    expect(badName.status).toBe(400);
    expect(badName.body).toMatchObject({ type: 'invalid_field', field_name: 'headers[0].name' });
    expect(await t.snapshot()).toBe(before);
  });

  it('are refused on webhooks.update (add and set) with 400 invalid_field naming the value, and nothing changes', async () => {
    const admin = await t.given.org();
    const webhook = await activeWebhookOf(admin);
    const before = await t.snapshot();
    for (const value of BAD_VALUES) {
      const added = await t.as(admin).post('/webhooks.update', { id: webhook.id, headers: { add: [{ name: 'X-Other', value }] } });
      expect(added.status, JSON.stringify(value)).toBe(400);
      expect(added.body).toMatchObject({ type: 'invalid_field', field_name: 'headers.add[0].value' });
      const set = await t.as(admin).post('/webhooks.update', {
        id: webhook.id,
        headers: { set: [{ name: 'X-Team', value: 'green' }, { name: 'X-Other', value }] },
      });
      expect(set.status).toBe(400);
      expect(set.body).toMatchObject({ type: 'invalid_field', field_name: 'headers.set[1].value' });
    }
    expect(await t.snapshot()).toBe(before);
    // A value HTTP allows (visible characters, spaces, tabs) is taken.
    const fine = await t.as(admin).post('/webhooks.update', { id: webhook.id, headers: { add: [{ name: 'X-Other', value: 'a\tb c ~' }] } });
    expect(fine.status).toBe(200);
    expect(fine.body.webhook.headers).toEqual([{ name: 'X-Team', value: 'blue' }, { name: 'X-Other', value: 'a\tb c ~' }]);
  });
});

describe('a webhook request that cannot be made', () => {
  it('is a failed attempt in the log, retried on the schedule, then given up like any other failure', async () => {
    const admin = await t.given.org();
    const receiver = await Receiver.start();
    receivers.push(receiver);
    const webhook = await activeWebhookOf(admin, receiver);
    // A header value no request may carry, written behind the server's back (a bad manual edit, an old version's data).
    await t.executeBehindItsBack('UPDATE webhooks SET headers = ?', [JSON.stringify([{ name: 'X-Team', value: 'blue\u0001' }])]);

    const chat = await t.given.chat(admin);
    await t.given.message(admin, chat, 'never sent');
    const createdDeliveries = async () =>
      (await t.as(admin).get('/webhooks.deliveries.list', { id: webhook.id })).body.deliveries.filter(
        (delivery: { type: string }) => delivery.type === 'timeline_entry_created',
      );
    await eventually(async () => (await createdDeliveries())[0]?.state === 'failed');
    const [delivery] = await createdDeliveries();
    // Three attempts, as the schedule [0, 100, 200] ms allows, each saying why.
    expect(delivery.attempts).toHaveLength(3);
    for (const attempt of delivery.attempts) {
      expect(attempt.status_code).toBeUndefined();
      expect(attempt.error).toMatch(/^the request could not be made: /);
    }
    expect(receiver.of('timeline_entry_created')).toEqual([]);
    // Given up like any failing receiver: the webhook is re-verified (unverified on the wire).
    await eventually(async () => (await t.as(admin).get('/webhooks.get', { id: webhook.id })).body.webhook.status === 'unverified');
    expect(t.logs.some((line) => line.msg === 'a webhook request could not be made')).toBe(true);
    // And the delivery is not tried again behind the log's back.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await createdDeliveries())[0].attempts).toHaveLength(3);
  });
});
