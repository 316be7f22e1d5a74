/**
 * PostgreSQL going away under load, seen through a TCP proxy the test cuts: Confab answers
 * 503 service_unavailable with Retry-After (never 500, never a hang), recovers by itself
 * when the database is back, and loses no write it acknowledged.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDon } from '../../src/domain/ids.js';
import { createUser } from '../../src/domain/orgs.js';
import { issueToken } from '../../src/domain/tokens.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createTestSchema, requireTestDatabaseUrl, type TestSchema } from '../helpers/postgres.js';
import { Client, type Response } from '../helpers/server.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const baseUrl = requireTestDatabaseUrl();
let schema: TestSchema;
let proxy: TcpProxy;
let server: RunningServer;
const logs: Record<string, unknown>[] = [];
let ada: Client;
let adaId: string;
let bobId: string;

beforeAll(async () => {
  schema = await createTestSchema(baseUrl);
  const target = new URL(schema.url);
  proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
  const viaProxy = new URL(schema.url);
  viaProxy.host = `127.0.0.1:${proxy.port}`;
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line));
      done();
    },
  });
  server = await startServer(
    { port: 0, host: '127.0.0.1', databaseUrl: viaProxy.toString(), databasePoolSize: 4, logLevel: 'warn' },
    pino({ level: 'warn' }, stream),
  );
  const { org, user, token } = server.firstRun!;
  const bob = await createUser(server.store, org, { type: 'dev_user', email: 'bob@outage.test', displayName: 'bob' });
  await issueToken(server.store, bob);
  ada = new Client(server.url, `Bearer ${token}`);
  adaId = formatDon(user.type, org.slug, user.number);
  bobId = formatDon(bob.type, org.slug, bob.number);
});

afterAll(async () => {
  await server?.close();
  await proxy?.close();
  await schema?.drop();
});

interface Outcome {
  title: string;
  status: number;
  ms: number;
  res: Response;
}

async function createChat(title: string): Promise<Outcome> {
  const started = Date.now();
  const res = await ada.post('/chats.create', { type: 'dm', users: [adaId, bobId], is_default: false, title });
  return { title, status: res.status, ms: Date.now() - started, res };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PostgreSQL outage', () => {
  it('answers 503 with Retry-After while the database is gone, then recovers with every acknowledged write kept', async () => {
    const outcomes: Outcome[] = [];
    let phase: 'before' | 'down' | 'after' = 'before';
    let stop = false;
    const during: Outcome[] = [];
    // Four writers keep creating chats through the whole outage, as live traffic would.
    const writers = Array.from({ length: 4 }, async (_, writer) => {
      for (let i = 0; !stop; i++) {
        const outcome = await createChat(`w${writer}-${i}`);
        outcomes.push(outcome);
        if (phase === 'down') during.push(outcome);
      }
    });

    await sleep(1_000);
    phase = 'down';
    proxy.cut();
    await sleep(3_000);
    const whileDown = await ada.get('/chats.get', { id: 'don:core:dvrv-us-1:devo/x:chat/1' });
    proxy.restore();
    phase = 'after';
    // Recovery: the pool reconnects by itself; give it a few seconds of traffic.
    const deadline = Date.now() + 15_000;
    let recovered = false;
    while (Date.now() < deadline) {
      const probe = await createChat(`probe-${Date.now()}`);
      outcomes.push(probe);
      if (probe.status === 201) {
        recovered = true;
        break;
      }
      await sleep(200);
    }
    await sleep(1_000);
    stop = true;
    await Promise.all(writers);

    expect(whileDown.status).toBe(503);
    expect(whileDown.body.type).toBe('service_unavailable');
    expect(whileDown.headers.get('retry-after')).toBe('2');
    expect(recovered).toBe(true);

    const unavailable = during.filter((outcome) => outcome.status === 503);
    expect(unavailable.length).toBeGreaterThan(0);
    for (const outcome of unavailable) {
      expect(outcome.res.body.type).toBe('service_unavailable');
      expect(outcome.res.headers.get('retry-after')).toBe('2');
    }
    // Only 201 or 503, ever: never a 500, and no request hung past the connect timeout.
    expect([...new Set(outcomes.map((outcome) => outcome.status))].sort()).toEqual([201, 503]);
    expect(Math.max(...outcomes.map((outcome) => outcome.ms))).toBeLessThan(10_000);
    expect(logs.filter((line) => line.msg === 'unexpected error')).toEqual([]);
    // After recovery every writer succeeds again.
    const lastOfEach = new Map(outcomes.map((outcome) => [outcome.title.split('-')[0], outcome.status]));
    expect([...lastOfEach.entries()].filter(([key]) => key !== 'probe').map(([, status]) => status)).toEqual([201, 201, 201, 201]);

    // Every acknowledged write is there, read back through the recovered server.
    const acknowledged = outcomes.filter((outcome) => outcome.status === 201);
    expect(acknowledged.length).toBeGreaterThan(10);
    for (const outcome of acknowledged) {
      const read = await ada.get('/chats.get', { id: outcome.res.body.chat.id });
      expect(read.status).toBe(200);
      expect(read.body.chat.title).toBe(outcome.title);
    }
  });
});
