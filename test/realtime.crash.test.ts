import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { confab, serve } from './helpers/process.js';
import { Receiver, signatureValid, echoChallenge } from './helpers/receiver.js';
import { Client } from './helpers/server.js';
import { SseClient } from './helpers/sse.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const env = { WEBHOOK_ALLOW_PRIVATE: '1', WEBHOOK_RETRY_DELAYS_MS: '0,1000', EVENT_POLL_MS: '50' };

describe('the outbox across a crash', () => {
  it('delivers, after a SIGKILL and a restart, the events of writes acknowledged before it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'confab-crash-'));
    dirs.push(dir);
    const database = `sqlite:${join(dir, 'confab.db')}`;
    const init = await confab(['init', '--org', 'Durable', '--email', 'ada@example.com', '--json'], { DATABASE_URL: database });
    const { token, user } = JSON.parse(init.stdout);

    // Every message's first delivery fails: none can have been delivered before the kill.
    const tries = new Map<string, number>();
    const receiver = await Receiver.start((request, count) => {
      if (request.body?.type !== 'timeline_entry_created') return echoChallenge(request, count);
      const body = request.body.timeline_entry_created.entry.body as string;
      tries.set(body, (tries.get(body) ?? 0) + 1);
      return tries.get(body) === 1 ? { status: 500 } : { status: 200 };
    });
    const first = await serve(database, env);
    let second: Awaited<ReturnType<typeof serve>> | undefined;
    try {
      const client = new Client(first.url, `Bearer ${token}`);
      const created = await client.post('/webhooks.create', { url: `${receiver.url}/hook`, event_types: ['timeline_entry_created'] });
      expect(created.status).toBe(201);
      const webhook = created.body.webhook;
      await receiver.until(() => receiver.of('verify').length === 1);
      const deadline = Date.now() + 5000;
      while ((await client.get('/webhooks.get', { id: webhook.id })).body.webhook.status !== 'active') {
        if (Date.now() > deadline) throw new Error('webhook never became active');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }

      const chat = await client.post('/chats.create', { type: 'dm', users: [user.id], is_default: false });
      const posted = await client.post('/timeline-entries.create', { type: 'timeline_comment', object: chat.body.chat.id, body: 'one' });
      expect(posted.status).toBe(201);
      await receiver.until(() => tries.get('one') === 1);
      const last = await client.post('/timeline-entries.create', { type: 'timeline_comment', object: chat.body.chat.id, body: 'two' });
      expect(last.status).toBe(201);
      expect(await first.stop('SIGKILL')).toBeNull();
      expect(tries.get('two') ?? 0).toBeLessThanOrEqual(1);

      second = await serve(database, env);
      await receiver.until(() => tries.get('one') === 2 && tries.get('two') === 2, 25_000);
      const delivered = receiver.of('timeline_entry_created');
      expect(delivered.every((request) => signatureValid(request, webhook.secret))).toBe(true);

      // The stream, from the start of the outbox, has every acknowledged write.
      const stream = await SseClient.open(`${second.url}/events.stream?last_event_id=0`, { authorization: `Bearer ${token}` });
      await stream.until(() => stream.events.length === 3);
      await stream.close();
      expect(stream.events.map((event) => event.event)).toEqual(['chat_created', 'timeline_entry_created', 'timeline_entry_created']);
    } finally {
      await first.stop('SIGKILL');
      await second?.stop();
      await receiver.stop();
    }
  }, 40_000);
});
