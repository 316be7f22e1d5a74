/**
 * Files on messages in events and webhooks (issue 26): timeline_entry_created and _updated
 * carry the entry's artifacts in DevRev's shape; replay of a deleted message carries none.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { uploadFile } from './helpers/artifacts.js';
import { assertMatchesSchema } from './helpers/contract.js';
import { useServer, type Person } from './helpers/server.js';
import { SseClient } from './helpers/sse.js';

const t = useServer({ realtime: { streamHeartbeatMs: 60_000, eventPollMs: 50 } });

const open: SseClient[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((client) => client.close()));
});

const file = (person: Person, name: string) => uploadFile(t, person, name, Buffer.from(`contents of ${name}`), 'text/plain');

/** A stream of `person`'s events from the start of the outbox, read until `done`. */
async function replay(person: Person, done: (client: SseClient) => boolean): Promise<SseClient> {
  const client = await SseClient.open(`${t.url}/events.stream`, { authorization: `Bearer ${person.token}`, 'last-event-id': '0' });
  open.push(client);
  await client.until(() => done(client));
  return client;
}

const ofType = (client: SseClient, type: string) => client.events.filter((event) => event.event === type);

describe('events of a message with files', () => {
  it('carry its artifacts on created and updated, as the API answers them', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const chat = await t.given.chat(ada, [bob]);
    const a = await file(ada, 'a.txt');
    const b = await file(ada, 'b.txt');
    const created = await t.given.message(ada, chat, 'with a file', { artifacts: [a] });
    const updated = (await t.as(ada).post('/timeline-entries.update', { type: 'timeline_comment', id: created.id, artifacts: { add: [b] } })).body.timeline_entry;
    expect(updated.artifacts.map((x: { id: string }) => x.id)).toEqual([a, b]);
    const client = await replay(bob, (c) => ofType(c, 'timeline_entry_updated').length === 1);
    const [createdEvent] = ofType(client, 'timeline_entry_created');
    const [updatedEvent] = ofType(client, 'timeline_entry_updated');
    // An edit scrubs the earlier event: replay shows the entry as the timeline does now.
    expect(createdEvent!.data.timeline_entry_created.entry.artifacts).toBeUndefined();
    expect(updatedEvent!.data.timeline_entry_updated.entry).toEqual(updated);
    assertMatchesSchema('event-timeline-entry-updated', updatedEvent!.data.timeline_entry_updated);
  });

  it('live: the created event carries the files the answer did', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const chat = await t.given.chat(ada, [bob]);
    const client = await SseClient.open(`${t.url}/events.stream`, { authorization: `Bearer ${bob.token}` });
    open.push(client);
    const created = await t.given.message(ada, chat, 'live', { artifacts: [await file(ada, 'live.txt')] });
    await client.until(() => ofType(client, 'timeline_entry_created').length === 1);
    const event = ofType(client, 'timeline_entry_created')[0]!.data.timeline_entry_created;
    expect(event.entry).toEqual(created);
    assertMatchesSchema('event-timeline-entry-created', event);
  });

  it('replay of a deleted message carries none of its files', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const chat = await t.given.chat(ada, [bob]);
    const secret = await file(ada, 'secret-plans.txt');
    const created = await t.given.message(ada, chat, 'see attached', { artifacts: [secret] });
    expect((await t.as(ada).post('/timeline-entries.delete', { id: created.id })).status).toBe(200);
    await t.given.message(ada, chat, 'marker');
    const client = await replay(bob, (c) => JSON.stringify(c.events).includes('marker'));
    const replayed = JSON.stringify(client.events);
    expect(replayed).toContain('timeline_entry_deleted');
    expect(replayed).not.toContain('secret-plans');
    expect(replayed).not.toContain(secret);
  });
});
