import { afterAll, describe, expect, it } from 'vitest';
import { assertMatchesSchema } from './helpers/contract.js';
import { echoChallenge, Receiver, signatureValid, type Behaviour } from './helpers/receiver.js';
import { useServer, type Person } from './helpers/server.js';

// Retries shortened from DevRev's 0 s, 30 s, 3 min; a short timeout stands in for the 3 s one.
const t = useServer({
  realtime: { webhookAllowPrivate: true, webhookRetryDelaysMs: [0, 100, 200], webhookTimeoutMs: 500, eventPollMs: 50 },
});
const receivers: Receiver[] = [];
afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.stop()));
});

async function receiver(behaviour?: Behaviour): Promise<Receiver> {
  const started = await Receiver.start(behaviour);
  receivers.push(started);
  return started;
}

async function webhookOf(admin: Person, target: Receiver, extra: Record<string, unknown> = {}) {
  const response = await t.as(admin).post('/webhooks.create', { url: `${target.url}/hook`, ...extra });
  expect(response.status).toBe(201);
  return response.body.webhook;
}

async function statusOf(admin: Person, id: string): Promise<string> {
  const response = await t.as(admin).get('/webhooks.get', { id });
  expect(response.status).toBe(200);
  return response.body.webhook.status;
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function activeWebhook(admin: Person, target: Receiver, extra: Record<string, unknown> = {}) {
  const webhook = await webhookOf(admin, target, extra);
  await eventually(async () => (await statusOf(admin, webhook.id)) === 'active');
  return webhook;
}

async function postMessage(author: Person, body = 'hello') {
  const chat = await t.as(author).post('/chats.create', { type: 'dm', users: [author.id], is_default: false });
  expect(chat.status).toBe(201);
  const entry = await t.as(author).post('/timeline-entries.create', { type: 'timeline_comment', object: chat.body.chat.id, body });
  expect(entry.status).toBe(201);
  return entry.body.timeline_entry;
}

describe('webhooks.create and the verify handshake', () => {
  it('returns the webhook unverified with its secret, then sends a signed verify challenge', async () => {
    const admin = await t.given.org();
    const target = await receiver();
    const webhook = await webhookOf(admin, target, { event_types: ['timeline_entry_created'] });
    expect(webhook.status).toBe('unverified');
    expect(webhook.secret.length).toBeGreaterThan(20);
    expect(webhook.url).toBe(`${target.url}/hook`);
    expect(webhook.event_types).toEqual(['timeline_entry_created']);
    expect(webhook.id).toMatch(/^don:integration:dvrv-us-1:devo\/.+:webhook\/\d+$/);

    await target.until(() => target.of('verify').length === 1);
    const [verify] = target.of('verify');
    assertMatchesSchema('webhook-event-request', verify!.body);
    expect(verify!.body.webhook_id).toBe(webhook.id);
    expect(typeof verify!.body.verify.challenge).toBe('string');
    expect(signatureValid(verify!, webhook.secret)).toBe(true);
    expect(signatureValid(verify!, 'another secret')).toBe(false);
    await eventually(async () => (await statusOf(admin, webhook.id)) === 'active');
  });

  it('keeps a webhook unverified when the receiver does not echo the challenge', async () => {
    const admin = await t.given.org();
    const target = await receiver(() => ({ status: 200, body: { challenge: 'wrong' } }));
    const webhook = await webhookOf(admin, target);
    await target.until(() => target.of('verify').length === 3);
    const log = await t.as(admin).get('/webhooks.deliveries.list', { id: webhook.id });
    await eventually(async () => {
      const response = await t.as(admin).get('/webhooks.deliveries.list', { id: webhook.id });
      return response.body.deliveries[0].state === 'failed';
    });
    expect(log.status).toBe(200);
    expect(await statusOf(admin, webhook.id)).toBe('unverified');
  });

  it('pages the delivery log with signed cursors bound to the webhook', async () => {
    const admin = await t.given.org();
    const target = await receiver();
    const webhook = await activeWebhook(admin, target);
    const other = await activeWebhook(admin, await receiver());
    await postMessage(admin, 'one');
    await postMessage(admin, 'two');
    await eventually(async () => (await t.as(admin).get('/webhooks.deliveries.list', { id: webhook.id })).body.deliveries.length >= 3);
    const first = await t.as(admin).get('/webhooks.deliveries.list', { id: webhook.id, limit: '1' });
    expect(first.status).toBe(200);
    expect(first.body.next_cursor).toMatch(/^v1\./);
    const second = await t.as(admin).get('/webhooks.deliveries.list', { id: webhook.id, limit: '1', cursor: first.body.next_cursor });
    expect(second.status).toBe(200);
    // Ids are opaque: the pages follow the log's own order, newest first.
    const whole = await t.as(admin).get('/webhooks.deliveries.list', { id: webhook.id });
    expect([first.body.deliveries[0].id, second.body.deliveries[0].id]).toEqual(whole.body.deliveries.slice(0, 2).map((delivery: { id: string }) => delivery.id));
    // A page that ends the log has no cursor, even when it is full: no empty page to fetch.
    const all = whole.body.deliveries.length;
    const exact = await t.as(admin).get('/webhooks.deliveries.list', { id: webhook.id, limit: String(all) });
    expect(exact.body.deliveries).toHaveLength(all);
    expect(exact.body.next_cursor).toBeUndefined();
    for (const [id, cursor] of [
      [webhook.id, String(first.body.deliveries[0].id)],
      [other.id, first.body.next_cursor],
      [webhook.id, `${first.body.next_cursor}x`],
    ]) {
      const refused = await t.as(admin).get('/webhooks.deliveries.list', { id, cursor });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ type: 'invalid_field', field_name: 'cursor' });
    }
  });

  it('uses the secret the admin gave', async () => {
    const admin = await t.given.org();
    const target = await receiver();
    const webhook = await webhookOf(admin, target, { secret: 'c2hhcmVkIHNlY3JldA==' });
    expect(webhook.secret).toBe('c2hhcmVkIHNlY3JldA==');
    await target.until(() => target.of('verify').length === 1);
    expect(signatureValid(target.of('verify')[0]!, 'c2hhcmVkIHNlY3JldA==')).toBe(true);
  });

  it('returns 403 forbidden to a user who is not an admin', async () => {
    const admin = await t.given.org();
    const user = await t.given.user(admin);
    const response = await t.as(user).post('/webhooks.create', { url: 'http://127.0.0.1:9/hook' });
    expect(response.status).toBe(403);
    expect(response.body.type).toBe('forbidden');
    expect((await t.as(user).get('/webhooks.list')).status).toBe(403);
  });

  it('returns 400 for a URL that is not http or https, and for reserved headers', async () => {
    const admin = await t.given.org();
    for (const url of ['ftp://example.com/x', 'not a url', 'file:///etc/passwd']) {
      const response = await t.as(admin).post('/webhooks.create', { url });
      expect(response.status).toBe(400);
      expect(response.body.type).toBe('invalid_field');
      expect(response.body.field_name).toBe('url');
    }
    const headers = await t
      .as(admin)
      .post('/webhooks.create', { url: 'http://127.0.0.1:9/', headers: [{ name: 'X-DevRev-Signature', value: 'forged' }] });
    expect(headers.status).toBe(400);
    expect(headers.body.type).toBe('value_not_permitted');
    expect(headers.body.field_name).toBe('headers[0].name');
    const eventType = await t.as(admin).post('/webhooks.create', { url: 'http://127.0.0.1:9/', event_types: ['chat_exploded'] });
    expect(eventType.status).toBe(400);
    expect(eventType.body.type).toBe('invalid_enum_value');
    expect((await t.as(admin).get('/webhooks.list')).body.webhooks).toEqual([]);
  });
});

describe('event deliveries', () => {
  it('delivers a new message in DevRev envelope, signed, with the admin headers', async () => {
    const admin = await t.given.org();
    const target = await receiver();
    const webhook = await activeWebhook(admin, target, { headers: [{ name: 'X-Team', value: 'blue' }] });
    const entry = await postMessage(admin);
    await target.until(() => target.of('timeline_entry_created').length === 1);
    const [delivery] = target.of('timeline_entry_created');
    assertMatchesSchema('webhook-event-request', delivery!.body);
    expect(Object.keys(delivery!.body)).toEqual(['id', 'webhook_id', 'timestamp', 'type', 'timeline_entry_created']);
    expect(delivery!.body.webhook_id).toBe(webhook.id);
    expect(delivery!.body.timeline_entry_created.entry).toEqual(entry);
    expect(delivery!.headers['x-team']).toBe('blue');
    expect(delivery!.headers['content-type']).toBe('application/json');
    expect(signatureValid(delivery!, webhook.secret)).toBe(true);
  });

  it('sends only the event types a webhook asked for', async () => {
    const admin = await t.given.org();
    const target = await receiver();
    await activeWebhook(admin, target, { event_types: ['timeline_entry_updated'] });
    const entry = await postMessage(admin, 'first');
    await t.as(admin).post('/timeline-entries.update', { type: 'timeline_comment', id: entry.id, body: 'second' });
    await target.until(() => target.of('timeline_entry_updated').length === 1);
    expect(target.received.map((request) => request.body.type)).toEqual(['verify', 'timeline_entry_updated']);
  });

  it('retries a failing receiver: failed twice, then exactly one successful signed delivery', async () => {
    const admin = await t.given.org();
    let events = 0;
    const target = await receiver((request, count) => {
      if (request.body.type !== 'timeline_entry_created') return echoChallenge(request, count);
      return ++events <= 2 ? { status: 500 } : { status: 200 };
    });
    const webhook = await activeWebhook(admin, target);
    await postMessage(admin);
    await target.until(() => target.of('timeline_entry_created').length === 3);
    const attempts = target.of('timeline_entry_created');
    expect(new Set(attempts.map((attempt) => attempt.raw)).size).toBe(1);
    expect(attempts.every((attempt) => signatureValid(attempt, webhook.secret))).toBe(true);
    // The schedule's gaps are kept: 100 ms, then 200 ms.
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(90);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(190);

    await eventually(async () => {
      const log = await t.as(admin).get('/webhooks.deliveries.list', { id: webhook.id });
      return log.body.deliveries.some((d: { type: string; state: string }) => d.type === 'timeline_entry_created' && d.state === 'succeeded');
    });
    const log = await t.as(admin).get('/webhooks.deliveries.list', { id: webhook.id });
    const created = log.body.deliveries.find((delivery: { type: string }) => delivery.type === 'timeline_entry_created');
    expect(created.attempts.map((attempt: { status_code: number }) => attempt.status_code)).toEqual([500, 500, 200]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(target.of('timeline_entry_created')).toHaveLength(3);
    expect(await statusOf(admin, webhook.id)).toBe('active');
  });

  it('marks a webhook that keeps failing degraded (unverified) and verifies it again', async () => {
    const admin = await t.given.org();
    let failing = false;
    const target = await receiver((request, count) => (failing ? { status: 503 } : echoChallenge(request, count)));
    const webhook = await activeWebhook(admin, target);
    failing = true;
    await postMessage(admin);
    await target.until(() => target.of('timeline_entry_created').length === 3);
    await eventually(async () => (await statusOf(admin, webhook.id)) === 'unverified');
    failing = false;
    await target.until(() => target.of('verify').length >= 2);
    await eventually(async () => (await statusOf(admin, webhook.id)) === 'active');
  });

  it('does not follow redirects and gives up on a receiver that does not answer in time', async () => {
    const admin = await t.given.org();
    const target = await receiver((request, count) => {
      if (request.body?.type !== 'timeline_entry_created') return echoChallenge(request, count);
      if (request.path === '/elsewhere') return { status: 200 };
      return request.body?.timeline_entry_created?.entry.body === 'slow' ? 'hang' : { status: 307, headers: { location: '/elsewhere' } };
    });
    const webhook = await activeWebhook(admin, target, { event_types: ['timeline_entry_created'] });
    await postMessage(admin, 'redirected');
    await postMessage(admin, 'slow');
    await eventually(async () => {
      const log = await t.as(admin).get('/webhooks.deliveries.list', { id: webhook.id });
      return log.body.deliveries.filter((delivery: { state: string }) => delivery.state === 'failed').length === 2;
    }, 10_000);
    expect(target.received.filter((request) => request.path === '/elsewhere')).toEqual([]);
    const log = await t.as(admin).get('/webhooks.deliveries.list', { id: webhook.id });
    const errors = log.body.deliveries.flatMap((delivery: { attempts: { error?: string; status_code?: number }[] }) =>
      delivery.attempts.map((attempt) => attempt.error ?? attempt.status_code),
    );
    expect(errors).toContain(307);
    expect(errors).toContain('timed out');
  }, 15_000);
});

describe('group membership events', () => {
  it('sends group_member_added and group_member_removed, once per change', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const target = await receiver();
    const webhook = await activeWebhook(admin, target, { event_types: ['group_member_added', 'group_member_removed'] });
    const group = await t.as(admin).post('/groups.create', { name: 'Support', description: 'the support team' });
    expect(group.status).toBe(201);
    const change = { group: group.body.group.id, member: bob.id };
    expect((await t.as(admin).post('/groups.members.add', change)).status).toBe(200);
    expect((await t.as(admin).post('/groups.members.add', change)).status).toBe(200);
    expect((await t.as(admin).post('/groups.members.remove', change)).status).toBe(200);
    await target.until(() => target.of('group_member_removed').length === 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(target.of('group_member_added')).toHaveLength(1);
    const [added] = target.of('group_member_added');
    assertMatchesSchema('webhook-event-request', added!.body);
    expect(added!.body.webhook_id).toBe(webhook.id);
    expect(added!.body.group_member_added.group.id).toBe(group.body.group.id);
    expect(added!.body.group_member_added.member.id).toBe(bob.id);
    assertMatchesSchema('webhook-event-request', target.of('group_member_removed')[0]!.body);
  });
});

describe('webhooks.get, list, update, delete', () => {
  it('lists, updates and deletes an organization’s webhooks, and hides them from other organizations', async () => {
    const admin = await t.given.org();
    const other = await t.given.org();
    const target = await receiver();
    const webhook = await activeWebhook(admin, target);
    expect((await t.as(admin).get('/webhooks.list')).body.webhooks.map((w: { id: string }) => w.id)).toEqual([webhook.id]);
    expect((await t.as(other).get('/webhooks.list')).body.webhooks).toEqual([]);
    const foreign = await t.as(other).get('/webhooks.get', { id: webhook.id });
    expect(foreign.status).toBe(404);
    expect(foreign.body.type).toBe('not_found');

    const deactivated = await t.as(admin).post('/webhooks.update', { id: webhook.id, action: 'deactivate' });
    expect(deactivated.status).toBe(200);
    expect(deactivated.body.webhook.status).toBe('inactive');
    const activated = await t.as(admin).post('/webhooks.update', {
      id: webhook.id,
      action: 'activate',
      event_types: { add: ['timeline_entry_deleted'] },
      headers: { set: [{ name: 'X-A', value: '1' }] },
    });
    expect(activated.body.webhook.status).toBe('active');
    expect(activated.body.webhook.event_types).toEqual(['timeline_entry_deleted']);
    expect(activated.body.webhook.headers).toEqual([{ name: 'X-A', value: '1' }]);

    // A new URL has to answer a challenge of its own.
    const moved = await receiver();
    const updated = await t.as(admin).post('/webhooks.update', { id: webhook.id, url: `${moved.url}/new` });
    expect(updated.body.webhook.status).toBe('unverified');
    await moved.until(() => moved.of('verify').length === 1);
    await eventually(async () => (await statusOf(admin, webhook.id)) === 'active');

    expect((await t.as(admin).post('/webhooks.delete', { id: webhook.id })).status).toBe(200);
    const gone = await t.as(admin).get('/webhooks.get', { id: webhook.id });
    expect(gone.status).toBe(404);
    expect(gone.body.type).toBe('not_found');
    const again = await t.as(admin).post('/webhooks.delete', { id: webhook.id });
    expect(again.status).toBe(404);
  });

  it('returns 400 invalid_id and unexpected_id_type for ids that are not webhooks', async () => {
    const admin = await t.given.org();
    const garbage = await t.as(admin).get('/webhooks.get', { id: 'nope' });
    expect(garbage.status).toBe(400);
    expect(garbage.body.type).toBe('invalid_id');
    const user = await t.as(admin).get('/webhooks.get', { id: admin.id });
    expect(user.status).toBe(400);
    expect(user.body.type).toBe('unexpected_id_type');
  });
});
