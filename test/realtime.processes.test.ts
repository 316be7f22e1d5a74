import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, testDatabaseUrl, type TestSchema } from './helpers/postgres.js';
import { confab, serve, type ServeProcess } from './helpers/process.js';
import { Receiver, signatureValid } from './helpers/receiver.js';
import { Client } from './helpers/server.js';
import { SseClient } from './helpers/sse.js';

// Two server processes on one database (an SQLite file, or with TEST_DATABASE_URL a
// PostgreSQL schema): what one writes, the other's clients hear.
const env = { WEBHOOK_ALLOW_PRIVATE: '1', EVENT_POLL_MS: '50' };
let dir: string;
let schema: TestSchema | undefined;
let a: ServeProcess;
let b: ServeProcess;
let token: string;
let userId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'confab-two-'));
  const postgresUrl = testDatabaseUrl();
  if (postgresUrl) schema = await createTestSchema(postgresUrl);
  const database = schema?.url ?? `sqlite:${join(dir, 'confab.db')}`;
  const init = await confab(['init', '--org', 'Twin', '--email', 'ada@example.com', '--json'], { DATABASE_URL: database });
  ({ token } = JSON.parse(init.stdout));
  userId = JSON.parse(init.stdout).user.id;
  [a, b] = await Promise.all([serve(database, env), serve(database, env)]);
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await schema?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('two processes on one database', () => {
  it('streams a message written through one process to a client of the other', async () => {
    const stream = await SseClient.open(`${b.url}/events.stream`, { authorization: `Bearer ${token}` });
    try {
      const client = new Client(a.url, `Bearer ${token}`);
      const chat = await client.post('/chats.create', { type: 'dm', users: [userId], is_default: false });
      const entries = () => stream.events.filter((event) => event.event === 'timeline_entry_created');
      // Warm up (the test's first response of a kind pays for compiling the contract's validators).
      await client.post('/timeline-entries.create', { type: 'timeline_comment', object: chat.body.chat.id, body: 'warm-up' });
      await stream.until(() => entries().length === 1, 5000);
      const started = Date.now();
      await client.post('/timeline-entries.create', { type: 'timeline_comment', object: chat.body.chat.id, body: 'across' });
      await stream.until(() => entries().length === 2, 2000);
      console.log(`cross-process stream latency (poll every 50 ms): ${Date.now() - started} ms`);
    } finally {
      await stream.close();
    }
  });

  it('sends each webhook delivery once, though both processes run a delivery worker', async () => {
    const receiver = await Receiver.start();
    try {
      const viaA = new Client(a.url, `Bearer ${token}`);
      const viaB = new Client(b.url, `Bearer ${token}`);
      const created = await viaA.post('/webhooks.create', { url: `${receiver.url}/hook`, event_types: ['timeline_entry_created'] });
      const webhook = created.body.webhook;
      const deadline = Date.now() + 5000;
      while ((await viaB.get('/webhooks.get', { id: webhook.id })).body.webhook.status !== 'active') {
        if (Date.now() > deadline) throw new Error('webhook never became active');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const chat = await viaA.post('/chats.create', { type: 'dm', users: [userId], is_default: false });
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          (i % 2 ? viaA : viaB).post('/timeline-entries.create', { type: 'timeline_comment', object: chat.body.chat.id, body: `m${i}` }),
        ),
      );
      await receiver.until(() => receiver.of('timeline_entry_created').length >= 30, 10_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const bodies = receiver.of('timeline_entry_created').map((request) => request.body.timeline_entry_created.entry.body);
      expect(bodies).toHaveLength(30);
      expect(new Set(bodies).size).toBe(30);
      expect(receiver.of('verify')).toHaveLength(1);
      expect(receiver.received.every((request) => signatureValid(request, webhook.secret))).toBe(true);
    } finally {
      await receiver.stop();
    }
  }, 30_000);
});
