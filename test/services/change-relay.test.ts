/**
 * The change relay: a write through one process wakes the others' dispatchers at once,
 * through PostgreSQL NOTIFY, or Redis where REDIS_URL is set. The processes here poll the
 * outbox only every ten minutes, so an event that reaches the other process's stream
 * within the test came by the relay, not by the poll.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confab, serve, type ServeProcess } from '../helpers/process.js';
import { createTestSchema, requireTestDatabaseUrl, type TestSchema } from '../helpers/postgres.js';
import { Client } from '../helpers/server.js';
import { DEFAULT_TEST_REDIS_URL } from '../helpers/services-setup.js';
import { SseClient } from '../helpers/sse.js';

const NO_POLL = { EVENT_POLL_MS: '600000' };
const transports = [
  { name: 'PostgreSQL NOTIFY', env: NO_POLL },
  { name: 'Redis pub/sub', env: { ...NO_POLL, REDIS_URL: process.env.TEST_REDIS_URL ?? DEFAULT_TEST_REDIS_URL } },
];

describe.each(transports)('two processes, relaying changes by $name', ({ env }) => {
  let schema: TestSchema;
  let a: ServeProcess;
  let b: ServeProcess;
  let token: string;
  let userId: string;

  beforeAll(async () => {
    schema = await createTestSchema(requireTestDatabaseUrl());
    const init = await confab(['init', '--org', 'Relay', '--email', 'ada@example.com', '--json'], { DATABASE_URL: schema.url });
    expect(init.code).toBe(0);
    ({ token } = JSON.parse(init.stdout));
    userId = JSON.parse(init.stdout).user.id;
    [a, b] = await Promise.all([serve(schema.url, env), serve(schema.url, env)]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await schema?.drop();
  });

  it('streams each message written through one process to a client of the other, with no poll', async () => {
    const stream = await SseClient.open(`${b.url}/events.stream`, { authorization: `Bearer ${token}` });
    try {
      const client = new Client(a.url, `Bearer ${token}`);
      const chat = (await client.post('/chats.create', { type: 'dm', users: [userId], is_default: false })).body.chat;
      for (const body of ['first', 'second', 'third']) {
        const posted = await client.post('/timeline-entries.create', { type: 'timeline_comment', object: chat.id, body });
        expect(posted.status).toBe(201);
      }
      const bodies = () =>
        stream.events.filter((event) => event.event === 'timeline_entry_created').map((event) => event.data.timeline_entry_created.entry.body);
      await stream.until(() => bodies().length === 3, 15_000);
      expect(bodies()).toEqual(['first', 'second', 'third']);
    } finally {
      await stream.close();
    }
  });
});
