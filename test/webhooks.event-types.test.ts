/**
 * Honest webhooks: every event type `webhooks.create` accepts is sent when it happens, and
 * every type DevRev defines that Confab cannot send is refused at subscription. The list
 * walked is the accepted list itself, and `TRIGGERS` is keyed by it, so a type added to it
 * without a trigger (and so without being sent) fails to compile and fails here.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFAB_WEBHOOK_EVENT_TYPES, WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../src/schema/webhooks.js';
import { assertMatchesSchema } from './helpers/contract.js';
import { Receiver } from './helpers/receiver.js';
import { streamOpener } from './helpers/sse.js';
import { useServer, type Person, type TestServer } from './helpers/server.js';

const t = useServer({ realtime: { webhookAllowPrivate: true, webhookRetryDelaysMs: [0, 100, 200], webhookTimeoutMs: 1000, eventPollMs: 50 } });
const openStream = streamOpener(t);
const receivers: Receiver[] = [];
afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.stop()));
});

async function receiver(): Promise<Receiver> {
  const started = await Receiver.start();
  receivers.push(started);
  return started;
}

async function ok<T = any>(pending: Promise<{ status: number; body: T }>, status = 200): Promise<T> {
  const response = await pending;
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  return response.body;
}

/**
 * A webhook that names Confab's own event types shows them in `event_types`, which DevRev's
 * enum lacks (README "Webhooks"); its create and get are read without the contract check.
 */
async function outsideContract(admin: Person, path: string, body: unknown): Promise<any> {
  const response = await fetch(`${t.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBeLessThan(300);
  return response.json();
}

async function activeWebhook(admin: Person, target: Receiver, extra: Record<string, unknown> = {}): Promise<string> {
  const { webhook } = await outsideContract(admin, '/webhooks.create', { url: `${target.url}/hook`, ...extra });
  const deadline = Date.now() + 5000;
  while ((await outsideContract(admin, '/webhooks.get', { id: webhook.id })).webhook.status !== 'active') {
    if (Date.now() > deadline) throw new Error('the webhook never became active');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return webhook.id;
}

/** What the triggers share: an organization, its admin, and what earlier triggers made. */
interface Scene {
  t: TestServer;
  admin: Person;
  chat?: string;
  entry?: string;
  group?: string;
  revUser?: string;
  devUser?: string;
  webhook?: string;
  conversation?: string;
}

async function chatOf(scene: Scene): Promise<string> {
  scene.chat ??= (await ok(t.as(scene.admin).post('/chats.create', { type: 'dm', users: [scene.admin.id], is_default: false }), 201)).chat.id;
  return scene.chat!;
}

async function entryOf(scene: Scene): Promise<string> {
  scene.entry ??= (
    await ok(t.as(scene.admin).post('/timeline-entries.create', { type: 'timeline_comment', object: await chatOf(scene), body: 'hello' }), 201)
  ).timeline_entry.id;
  return scene.entry!;
}

async function groupOf(scene: Scene): Promise<string> {
  scene.group ??= (await ok(t.as(scene.admin).post('/groups.create', { name: 'Support', description: 'the support team' }), 201)).group.id;
  return scene.group!;
}

async function revUserOf(scene: Scene): Promise<string> {
  scene.revUser ??= (await ok(t.as(scene.admin).post('/rev-users.create', { display_name: 'Carol', external_ref: 'carol' }), 201)).rev_user.id;
  return scene.revUser!;
}

async function devUserOf(scene: Scene): Promise<string> {
  scene.devUser ??= (await ok(t.as(scene.admin).post('/dev-users.create', { email: 'dora@example.com', state: 'active' }), 201)).dev_user.id;
  return scene.devUser!;
}

async function conversationOf(scene: Scene): Promise<string> {
  scene.conversation ??= (
    await ok(t.as(scene.admin).post('/conversations.create', { type: 'support', title: 'Cannot log in', members: [await revUserOf(scene)] }), 201)
  ).conversation.id;
  return scene.conversation!;
}

async function otherWebhookOf(scene: Scene): Promise<string> {
  scene.webhook ??= (await ok(t.as(scene.admin).post('/webhooks.create', { url: 'http://127.0.0.1:9/other', event_types: ['group_created'] }), 201))
    .webhook.id;
  return scene.webhook!;
}

/** One way to make each accepted event happen. Adding an accepted type means adding its trigger here. */
const TRIGGERS: Record<WebhookEventType, (scene: Scene) => Promise<unknown>> = {
  verify: async () => undefined,
  chat_created: chatOf,
  chat_updated: async (scene) => ok(t.as(scene.admin).post('/chats.update', { id: await chatOf(scene), title: 'renamed' })),
  timeline_entry_created: entryOf,
  timeline_entry_updated: async (scene) =>
    ok(t.as(scene.admin).post('/timeline-entries.update', { type: 'timeline_comment', id: await entryOf(scene), body: 'edited' })),
  timeline_entry_deleted: async (scene) => {
    const entry = await ok(
      t.as(scene.admin).post('/timeline-entries.create', { type: 'timeline_comment', object: await chatOf(scene), body: 'to delete' }),
      201,
    );
    return ok(t.as(scene.admin).post('/timeline-entries.delete', { id: entry.timeline_entry.id }));
  },
  group_created: groupOf,
  group_updated: async (scene) => ok(t.as(scene.admin).post('/groups.update', { id: await groupOf(scene), description: 'first line' })),
  group_member_added: async (scene) => ok(t.as(scene.admin).post('/groups.members.add', { group: await groupOf(scene), member: await devUserOf(scene) })),
  group_member_removed: async (scene) => {
    const change = { group: await groupOf(scene), member: await devUserOf(scene) };
    await t.as(scene.admin).post('/groups.members.add', change);
    return ok(t.as(scene.admin).post('/groups.members.remove', change));
  },
  dev_user_created: devUserOf,
  dev_user_updated: async (scene) => ok(t.as(scene.admin).post('/dev-users.update', { id: await devUserOf(scene), display_name: 'Dora D.' })),
  rev_user_created: revUserOf,
  rev_user_updated: async (scene) => ok(t.as(scene.admin).post('/rev-users.update', { id: await revUserOf(scene), display_name: 'Carol C.' })),
  rev_user_deleted: async (scene) => {
    const { rev_user } = await ok(t.as(scene.admin).post('/rev-users.create', { display_name: 'Eve' }), 201);
    return ok(t.as(scene.admin).post('/rev-users.delete', { id: rev_user.id }));
  },
  conversation_created: conversationOf,
  conversation_updated: async (scene) => ok(t.as(scene.admin).post('/conversations.update', { id: await conversationOf(scene), title: 'Cannot sign in' })),
  conversation_deleted: async (scene) => {
    const { conversation } = await ok(t.as(scene.admin).post('/conversations.create', { type: 'support', title: 'Never mind' }), 201);
    return ok(t.as(scene.admin).post('/conversations.delete', { id: conversation.id }));
  },
  webhook_created: otherWebhookOf,
  webhook_updated: async (scene) => ok(t.as(scene.admin).post('/webhooks.update', { id: await otherWebhookOf(scene), event_types: { add: ['group_updated'] } })),
  webhook_deleted: async (scene) => {
    const { webhook } = await ok(t.as(scene.admin).post('/webhooks.create', { url: 'http://127.0.0.1:9/gone' }), 201);
    return ok(t.as(scene.admin).post('/webhooks.delete', { id: webhook.id }));
  },
};

const CONTRACT_EVENT_TYPES: string[] = (
  parse(readFileSync(new URL('./fixtures/devrev-contract.yaml', import.meta.url), 'utf8')) as {
    components: { schemas: Record<string, { enum?: string[] }> };
  }
).components.schemas['webhook-event-type']!.enum!;

describe('webhook event types', () => {
  it('sends every accepted event type when it happens, each in DevRev’s envelope and object shapes', async () => {
    const admin = await t.given.org();
    const target = await receiver();
    const webhookId = await activeWebhook(admin, target, { event_types: [...WEBHOOK_EVENT_TYPES] });
    const scene: Scene = { t, admin };
    for (const type of WEBHOOK_EVENT_TYPES) await TRIGGERS[type](scene);

    await target.until(() => WEBHOOK_EVENT_TYPES.every((type) => target.of(type).length > 0), 10_000);
    for (const type of WEBHOOK_EVENT_TYPES) {
      const [delivery] = target.of(type);
      expect(delivery!.body.webhook_id).toBe(webhookId);
      expect(Object.keys(delivery!.body)).toEqual(['id', 'webhook_id', 'timestamp', 'type', type]);
      // Confab's own events have no schema in DevRev's contract; they carry the chat as chats.get does.
      if ((CONFAB_WEBHOOK_EVENT_TYPES as readonly string[]).includes(type)) expect(delivery!.body[type].chat.id).toBe(scene.chat);
      else assertMatchesSchema('webhook-event-request', delivery!.body);
    }
    const of = (type: WebhookEventType) => target.of(type)[0]!.body[type];
    expect(of('dev_user_updated').dev_user.display_name).toBe('Dora D.');
    expect(of('dev_user_updated').old_dev_user.display_name).toBe('dora');
    expect(of('rev_user_updated').old_rev_user.display_name).toBe('Carol');
    expect(of('rev_user_deleted').old_rev_user.display_name).toBe('Eve');
    expect(of('group_updated').group.description).toBe('first line');
    expect(of('group_updated').old_group.description).toBe('the support team');
    expect(of('webhook_created').webhook.id).toBe(scene.webhook);
    expect(of('conversation_updated').conversation.title).toBe('Cannot sign in');
    expect(of('conversation_updated').old_conversation.title).toBe('Cannot log in');
    expect(of('webhook_updated').webhook.event_types).toEqual(['group_created', 'group_updated']);
    expect(of('webhook_deleted').id).toMatch(/:webhook\/\d+$/);
  }, 20_000);

  it('refuses at subscription, with 400 invalid_enum_value, every DevRev event type Confab does not send', async () => {
    const admin = await t.given.org();
    const unsent = CONTRACT_EVENT_TYPES.filter((type) => !(WEBHOOK_EVENT_TYPES as readonly string[]).includes(type));
    expect(unsent).toEqual(expect.arrayContaining(['dev_user_deleted', 'group_deleted']));
    for (const type of unsent) {
      const created = await t.as(admin).post('/webhooks.create', { url: 'http://127.0.0.1:9/hook', event_types: [type] });
      expect(created.status, type).toBe(400);
      expect(created.body.type).toBe('invalid_enum_value');
    }
    const { webhook } = await ok(t.as(admin).post('/webhooks.create', { url: 'http://127.0.0.1:9/hook', event_types: ['group_created'] }), 201);
    for (const change of [{ add: ['group_deleted'] }, { set: ['dev_user_deleted'] }]) {
      const updated = await t.as(admin).post('/webhooks.update', { id: webhook.id, event_types: change });
      expect(updated.status).toBe(400);
      expect(updated.body.type).toBe('invalid_enum_value');
    }
    expect((await ok(t.as(admin).get('/webhooks.get', { id: webhook.id }))).webhook.event_types).toEqual(['group_created']);
  });

  it('sends a webhook with no event_types DevRev’s events only, never Confab’s chat_created or chat_updated', async () => {
    const admin = await t.given.org();
    const target = await receiver();
    await activeWebhook(admin, target);
    const scene: Scene = { t, admin };
    await TRIGGERS.chat_created(scene);
    await TRIGGERS.chat_updated(scene);
    await TRIGGERS.timeline_entry_created(scene);
    await TRIGGERS.group_created(scene);
    await target.until(() => target.of('group_created').length === 1 && target.of('timeline_entry_created').length === 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(target.received.map((request) => request.body.type).sort()).toEqual(['group_created', 'timeline_entry_created', 'verify']);
  });

  it('carries DevRev’s reactions change on the timeline_entry_updated a reaction makes', async () => {
    const admin = await t.given.org();
    const target = await receiver();
    await activeWebhook(admin, target, { event_types: ['timeline_entry_updated'] });
    const entry = await entryOf({ t, admin });
    await ok(t.as(admin).post('/reactions.update', { object: entry, emoji: '1f44d', action: 'add' }));
    await ok(t.as(admin).post('/reactions.update', { object: entry, emoji: '1f44d', action: 'remove' }));
    await target.until(() => target.of('timeline_entry_updated').length === 2);
    const [added, removed] = target.of('timeline_entry_updated').map((request) => request.body);
    assertMatchesSchema('webhook-event-request', added);
    assertMatchesSchema('webhook-event-request', removed);
    expect(added.timeline_entry_updated.reactions).toEqual([
      { action: 'added', emoji: '1f44d', reactor: expect.objectContaining({ id: admin.id, type: 'dev_user' }) },
    ]);
    expect(removed.timeline_entry_updated.reactions).toEqual([
      { action: 'removed', emoji: '1f44d', reactor: expect.objectContaining({ id: admin.id, type: 'dev_user' }) },
    ]);
    expect(added.timeline_entry_updated.entry.id).toBe(entry);
  });

  it('keeps directory and webhook events off the event stream: a member hears only their chats', async () => {
    const admin = await t.given.org();
    const member = await t.given.user(admin);
    const stream = await openStream(member);
    const scene: Scene = { t, admin };
    for (const type of ['dev_user_created', 'dev_user_updated', 'rev_user_created', 'group_created', 'group_member_added', 'webhook_created'] as const) {
      await TRIGGERS[type](scene);
    }
    const chat = await ok(t.as(member).post('/chats.create', { type: 'dm', users: [member.id], is_default: false }), 201);
    await ok(t.as(member).post('/timeline-entries.create', { type: 'timeline_comment', object: chat.chat.id, body: 'mine' }), 201);
    await stream.until(() => stream.events.some((event) => event.event === 'timeline_entry_created'), 5000);
    expect(stream.events.map((event) => event.event)).toEqual(['chat_created', 'timeline_entry_created']);
  });
});
