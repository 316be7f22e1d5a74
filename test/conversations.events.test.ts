import { afterAll, describe, expect, it } from 'vitest';
import { assertMatchesSchema } from './helpers/contract.js';
import { Receiver } from './helpers/receiver.js';
import { supportSetting } from './helpers/conversations.js';
import { useServer, type Person } from './helpers/server.js';
import { streamOpener, type SseClient } from './helpers/sse.js';

const t = useServer({ realtime: { webhookAllowPrivate: true, webhookRetryDelaysMs: [0, 100, 200], webhookTimeoutMs: 500, eventPollMs: 50, streamHeartbeatMs: 100 } });
const open = streamOpener(t);
const receivers: Receiver[] = [];
afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.stop()));
});

const setting = () => supportSetting(t);

async function activeWebhook(admin: Person, eventTypes?: string[]): Promise<Receiver> {
  const receiver = await Receiver.start();
  receivers.push(receiver);
  const created = await t.as(admin).post('/webhooks.create', { url: `${receiver.url}/hook`, ...(eventTypes && { event_types: eventTypes }) });
  expect(created.status).toBe(201);
  await receiver.until(() => receiver.of('verify').length > 0);
  const deadline = Date.now() + 5000;
  while ((await t.as(admin).get('/webhooks.get', { id: created.body.webhook.id })).body.webhook.status !== 'active') {
    if (Date.now() > deadline) throw new Error('webhook never became active');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return receiver;
}

const types = (stream: SseClient) => stream.events.map((event) => event.data.type as string);

describe('conversation events', () => {
  it('go to webhooks in DevRev envelope: created, updated with old_conversation, deleted with its id', async () => {
    const { admin, agent, alice } = await setting();
    const receiver = await activeWebhook(admin, ['conversation_created', 'conversation_updated', 'conversation_deleted']);
    const conversation = (await t.as(alice).post('/conversations.create', { type: 'support', title: 'Help' })).body.conversation;
    await t.as(agent).post('/conversations.update', { id: conversation.id, stage: { name: 'resolved' } });
    expect((await t.as(agent).post('/conversations.delete', { id: conversation.id })).status).toBe(200);
    await receiver.until(() => receiver.of('conversation_deleted').length === 1);

    const created = receiver.of('conversation_created')[0]!.body;
    assertMatchesSchema('webhook-event-request', created);
    expect(created.conversation_created.conversation.id).toBe(conversation.id);
    const updated = receiver.of('conversation_updated')[0]!.body;
    assertMatchesSchema('webhook-event-request', updated);
    expect(updated.conversation_updated.conversation.stage.name).toBe('resolved');
    expect(updated.conversation_updated.old_conversation.stage.name).toBe('new');
    const deleted = receiver.of('conversation_deleted')[0]!.body;
    assertMatchesSchema('webhook-event-request', deleted);
    expect(deleted.conversation_deleted.id).toBe(conversation.id);
    expect(deleted.conversation_deleted.old_conversation.stage.name).toBe('resolved');
  });

  it('accepts the three types at subscription and sends a webhook that asked for none of them nothing of them', async () => {
    const { admin, alice } = await setting();
    const onlyEntries = await activeWebhook(admin, ['timeline_entry_created']);
    const conversation = (await t.as(alice).post('/conversations.create', { type: 'support', messages: [{ body: 'hi' }] })).body.conversation;
    await onlyEntries.until(() => onlyEntries.of('timeline_entry_created').length === 1);
    const entry = onlyEntries.of('timeline_entry_created')[0]!.body;
    assertMatchesSchema('webhook-event-request', entry);
    expect(entry.timeline_entry_created.entry.object).toBe(conversation.id);
    expect(entry.timeline_entry_created.entry.object_type).toBe('conversation');
    expect(onlyEntries.of('conversation_created')).toEqual([]);
  });

  it('reach on the stream the staff of the organization and the conversation’s members, and no one else; internal notes only staff', async () => {
    const { agent, alice, colleague, rival, outsider } = await setting();
    const agentStream = await open(agent);
    const aliceStream = await open(alice);
    const others = [await open(colleague), await open(rival), await open(outsider)];
    const conversation = (await t.as(alice).post('/conversations.create', { type: 'support', title: 'Help' })).body.conversation;
    const note = { type: 'timeline_comment', object: conversation.id, body: 'secret plan', visibility: 'internal' };
    expect((await t.as(agent).post('/timeline-entries.create', note)).status).toBe(201);
    expect((await t.as(agent).post('/timeline-entries.create', { type: 'timeline_comment', object: conversation.id, body: 'on it' })).status).toBe(201);
    await t.as(agent).post('/conversations.update', { id: conversation.id, stage: { name: 'waiting_on_user' } });

    await agentStream.until(() => types(agentStream).includes('conversation_updated'));
    await aliceStream.until(() => types(aliceStream).includes('conversation_updated'));
    expect(types(agentStream)).toEqual(['conversation_created', 'timeline_entry_created', 'timeline_entry_created', 'conversation_updated']);
    expect(types(aliceStream)).toEqual(['conversation_created', 'timeline_entry_created', 'conversation_updated']);
    expect(JSON.stringify(aliceStream.events)).not.toContain('secret plan');
    const aliceEntry = aliceStream.events.find((event) => event.data.type === 'timeline_entry_created')!.data;
    expect(aliceEntry.timeline_entry_created.entry.body).toBe('on it');
    // A beat for anything misdirected to arrive.
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const stream of others) expect(stream.events).toEqual([]);
  });
});
