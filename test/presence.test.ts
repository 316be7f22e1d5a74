/**
 * Presence (a Confab addition): online while an event stream is open, offline a delay after
 * the last one closes, told on the streams of those who share a chat. The delay is cut to
 * a second here (PRESENCE_OFFLINE_AFTER_MS is 30 s by default).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { useServer, type Person } from './helpers/server.js';
import { SseClient } from './helpers/sse.js';

// One stream per token: a reconnect is accepted only once the server has seen the old
// stream close, so "reconnects within the delay" means after the close, not before it.
const t = useServer({ realtime: { streamHeartbeatMs: 100, eventPollMs: 50, presenceOfflineAfterMs: 1_000, maxStreamsPerToken: 1 } });

const streams: SseClient[] = [];
afterEach(async () => {
  await Promise.all(streams.splice(0).map((client) => client.close()));
});

async function open(person: Person): Promise<SseClient> {
  const client = await SseClient.open(`${t.url}/events.stream`, { authorization: `Bearer ${person.token}` });
  streams.push(client);
  return client;
}

/** Opens a stream once the server has let go of the token's previous one. */
async function reopen(person: Person): Promise<SseClient> {
  for (;;) {
    const client = await open(person);
    if (client.status === 200) return client;
    expect(client.status).toBe(429);
    streams.pop();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The same person with a second token, for a second stream. */
async function secondTokenOf(person: Person): Promise<Person> {
  const created = await t.as(person).post('/auth-tokens.create', { requested_token_type: 'urn:devrev:params:oauth:token-type:pat' });
  expect(created.status).toBe(201);
  return { ...person, token: created.body.access_token };
}

async function close(client: SseClient): Promise<void> {
  streams.splice(streams.indexOf(client), 1);
  await client.close();
}

/** The `presence_changed` events a stream heard about `subject`, as `state` or `state@last_seen`. */
function heard(client: SseClient, subject: Person): string[] {
  return client.events
    .filter((event) => event.event === 'presence_changed' && event.data.presence_changed.user.id === subject.id)
    .map((event) => event.data.presence_changed.state);
}

async function hears(client: SseClient, subject: Person, states: string[]): Promise<void> {
  await client.until(() => heard(client, subject).length >= states.length, 10_000);
  expect(heard(client, subject)).toEqual(states);
}

async function presenceOf(asker: Person, subjects: Person[]) {
  const response = await t.as(asker).post('/presence.list', { users: subjects.map((subject) => subject.id) });
  expect(response.status).toBe(200);
  return response.body.presence as { user: { id: string }; state: string; last_seen?: string }[];
}

describe('presence.list', () => {
  it('answers offline, with no last_seen, for someone who never opened a stream', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const response = await t.as(ada).get('/presence.list', { users: bob.id });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      presence: [{ user: expect.objectContaining({ id: bob.id, display_id: bob.displayId, type: 'dev_user' }), state: 'offline' }],
    });
  });

  it('answers online as soon as a stream is open, on GET and POST, in the order asked, each user once', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    await open(bob);
    const posted = await t.as(ada).post('/presence.list', { users: [bob.id, ada.displayId, bob.displayId] });
    expect(posted.status).toBe(200);
    expect(posted.body.presence.map((item: { user: { id: string }; state: string }) => [item.user.id, item.state])).toEqual([
      [bob.id, 'online'],
      [ada.id, 'offline'],
    ]);
    expect(posted.body.presence[0].last_seen).toBeUndefined();
    const got = await t.as(ada).get('/presence.list', { users: `${ada.id},${bob.displayId}` });
    expect(got.status).toBe(200);
    expect(got.body.presence.map((item: { state: string }) => item.state)).toEqual(['offline', 'online']);
  });

  it("turns a user offline a delay after their last stream closes, with last_seen, on the streams of who shares a chat", async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    await t.given.chat(ada, [bob]);
    const adaStream = await open(ada);
    const opened = new Date().toISOString();
    const [first, second] = [await open(bob), await open(await secondTokenOf(bob))];
    await hears(adaStream, bob, ['online']);
    const online = adaStream.events.find((event) => event.event === 'presence_changed')!;
    expect(online.id).toBeUndefined();
    expect(online.data).toEqual({
      type: 'presence_changed',
      timestamp: expect.any(String),
      presence_changed: { user: expect.objectContaining({ id: bob.id, display_name: bob.user.displayName }), state: 'online' },
    });

    // One of two streams closing changes nothing; the last one does, a delay later.
    await close(first);
    expect((await presenceOf(ada, [bob]))[0]!.state).toBe('online');
    await close(second);
    await hears(adaStream, bob, ['online', 'offline']);
    const offline = adaStream.events.filter((event) => event.event === 'presence_changed')[1]!.data.presence_changed;
    expect(offline.state).toBe('offline');
    expect(offline.last_seen >= opened).toBe(true);
    expect(offline.last_seen <= new Date().toISOString()).toBe(true);
    expect(await presenceOf(ada, [bob])).toEqual([{ user: expect.objectContaining({ id: bob.id }), state: 'offline', last_seen: offline.last_seen }]);
    // The one who went away hears nothing of themselves.
    expect(adaStream.events.filter((event) => event.event === 'presence_changed')).toHaveLength(2);
  });

  it('does not flap when the user reconnects within the delay', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const carol = await t.given.user(ada);
    await t.given.chat(ada, [bob, carol]);
    const adaStream = await open(ada);
    const bobStream = await open(bob);
    await hears(adaStream, bob, ['online']);
    await close(bobStream);
    await reopen(bob);
    // Carol comes and goes after Bob's reconnect: her offline is announced no earlier than a
    // flap of Bob's would have been, so once Ada hears it, Bob's would have arrived too.
    await close(await open(carol));
    await hears(adaStream, carol, ['online', 'offline']);
    expect(heard(adaStream, bob)).toEqual(['online']);
    expect((await presenceOf(ada, [bob]))[0]!.state).toBe('online');
  });

  it('is told only to those who share a chat with the user: not to others of the organization, nor to another one', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const outsider = await t.given.user(ada);
    const dave = await t.given.user(ada);
    await t.given.chat(ada, [bob]);
    await t.given.chat(outsider, [dave]);
    const eve = await t.given.org();
    const frank = await t.given.user(eve);
    await t.given.chat(eve, [frank]);
    const [adaStream, outsiderStream, eveStream] = [await open(ada), await open(outsider), await open(eve)];

    await open(bob);
    await hears(adaStream, bob, ['online']);
    // Announced after Bob's, in order: once they are heard, Bob's would have been too.
    await open(dave);
    await open(frank);
    await hears(outsiderStream, dave, ['online']);
    await hears(eveStream, frank, ['online']);
    expect(heard(outsiderStream, bob)).toEqual([]);
    expect(heard(eveStream, bob)).toEqual([]);
    expect(heard(adaStream, dave)).toEqual([]);
    expect(heard(adaStream, frank)).toEqual([]);

    // Through one of the chat's groups counts as sharing it.
    const hank = await t.given.user(ada);
    const group = await t.given.group(ada, [outsider]);
    const created = await t.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, hank.id], groups: [group.id], is_default: false });
    expect(created.status).toBe(201);
    await open(hank);
    await hears(outsiderStream, hank, ['online']);
    await hears(adaStream, hank, ['online']);
  });

  it("answers 404 for another organization's users and ids that name nobody, as chats.list does", async () => {
    const ada = await t.given.org();
    const eve = await t.given.org();
    await open(eve);
    for (const users of [[eve.id], [eve.displayId.replace(/\d+$/, '999999')], [ada.id, eve.id]]) {
      const response = await t.as(ada).post('/presence.list', { users });
      expect(response.status).toBe(404);
      expect(response.body.type).toBe('not_found');
    }
  });

  it('answers 400 with field_name users for bad input, and changes nothing', async () => {
    const ada = await t.given.org();
    const chat = await t.given.chat(ada);
    const before = await t.snapshot();
    const cases: [unknown, string][] = [
      [{}, 'missing_required_field'],
      [{ users: [] }, 'invalid_field'],
      [{ users: Array.from({ length: 101 }, () => ada.id) }, 'invalid_field'],
      [{ users: ada.id }, 'unexpected_json_type'],
      [{ users: [42] }, 'unexpected_json_type'],
      [{ users: ['not an id'] }, 'invalid_id'],
      [{ users: [chat.id] }, 'unexpected_id_type'],
    ];
    for (const [body, type] of cases) {
      const response = await t.as(ada).post('/presence.list', body);
      expect({ body, status: response.status, type: response.body.type }).toEqual({ body, status: 400, type });
      expect(response.body.field_name).toMatch(/^users/);
    }
    const got = await t.as(ada).get('/presence.list');
    expect(got.status).toBe(400);
    expect(got.body.type).toBe('missing_required_field');
    expect(await t.snapshot()).toBe(before);
  });

  it('answers a customer only about themselves and the people they share a chat with', async () => {
    const ada = await t.given.org();
    const agent = await t.given.user(ada);
    const stranger = await t.given.user(ada);
    const customer = await t.given.user(ada, 'rev_user');
    await open(stranger);

    // A stranger is as unknown to a customer as an id that names no one: the same 404.
    const hidden = await t.as(customer).post('/presence.list', { users: [stranger.displayId] });
    const unknown = await t.as(customer).post('/presence.list', { users: ['DEVU-999999'] });
    expect([hidden.status, unknown.status]).toEqual([404, 404]);
    expect(hidden.body.type).toBe('not_found');
    expect(hidden.body.message.replace(stranger.displayId, 'X')).toBe(unknown.body.message.replace('DEVU-999999', 'X'));
    expect((await t.as(customer).post('/presence.list', { users: [customer.id, stranger.id] })).status).toBe(404);

    expect((await presenceOf(customer, [customer]))[0]!.state).toBe('offline');
    // Staff see everyone in the organization.
    expect((await presenceOf(ada, [customer, stranger])).map((item) => item.state)).toEqual(['offline', 'online']);

    await t.given.chat(agent, [customer]);
    const customerStream = await open(customer);
    expect((await presenceOf(customer, [agent, customer])).map((item) => item.state)).toEqual(['offline', 'online']);
    // Live too: the agent is announced to the customer, another stranger coming online first is not.
    const another = await t.given.user(ada);
    await t.given.chat(another, [stranger]);
    await open(another);
    await open(agent);
    await hears(customerStream, agent, ['online']);
    expect(heard(customerStream, another)).toEqual([]);
  });

  it('is marked a Confab addition in /openapi.json', async () => {
    const document = await (await fetch(`${t.url}/openapi.json`)).json();
    expect(document.paths['/presence.list'].post['x-confab-addition']).toBe(true);
    expect(document.paths['/presence.list'].get['x-confab-addition']).toBe(true);
  });
});
