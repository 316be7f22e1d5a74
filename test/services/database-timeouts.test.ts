/**
 * PostgreSQL that does not answer in time: a lock held forever by someone else, or a
 * network that stopped carrying bytes. Requests end within DATABASE_STATEMENT_TIMEOUT_MS
 * (1 s here, plus a margin) with 503 service_unavailable and Retry-After, change nothing,
 * and the server recovers by itself, on a fresh connection where the old one went silent.
 */
import { Writable } from 'node:stream';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDon } from '../../src/domain/ids.js';
import { createUser } from '../../src/domain/orgs.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createTestSchema, requireTestDatabaseUrl, type TestSchema } from '../helpers/postgres.js';
import { Client, type Response } from '../helpers/server.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const baseUrl = requireTestDatabaseUrl();
let schema: TestSchema;
let proxy: TcpProxy;
let server: RunningServer;
let ada: Client;
let adaId: string;
let bobId: string;
let locker: pg.Client | undefined;

beforeAll(async () => {
  schema = await createTestSchema(baseUrl);
  const target = new URL(schema.url);
  proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
  const viaProxy = new URL(schema.url);
  viaProxy.host = `127.0.0.1:${proxy.port}`;
  const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
  server = await startServer(
    // One connection, so the test knows which one went silent; 1 s, so it does not wait long.
    { port: 0, host: '127.0.0.1', databaseUrl: viaProxy.toString(), databasePoolSize: 1, databaseStatementTimeoutMs: 1000, logLevel: 'warn' },
    pino({ level: 'warn' }, quiet),
  );
  const { org, user, token } = server.firstRun!;
  const bob = await createUser(server.store, org, { type: 'dev_user', email: 'bob@timeouts.test', displayName: 'bob' });
  ada = new Client(server.url, `Bearer ${token}`);
  adaId = formatDon(user.type, org.slug, user.number);
  bobId = formatDon(bob.type, org.slug, bob.number);
});

afterAll(async () => {
  await locker?.end().catch(() => undefined);
  proxy?.thaw();
  await server?.close();
  await proxy?.close();
  await schema?.drop();
});

async function chatCount(): Promise<number> {
  const client = new pg.Client({ connectionString: schema.url });
  await client.connect();
  try {
    return Number((await client.query('select count(*) as n from chats')).rows[0].n);
  } finally {
    await client.end();
  }
}

function createChat(title: string): Promise<Response> {
  return ada.post('/chats.create', { type: 'dm', users: [adaId, bobId], is_default: false, title });
}

function expect503(response: Response) {
  expect(response.status).toBe(503);
  expect(response.body.type).toBe('service_unavailable');
  expect(response.headers.get('retry-after')).toBe('2');
}

describe('a statement that waits past DATABASE_STATEMENT_TIMEOUT_MS', () => {
  it('behind a lock held forever is 503 with Retry-After, and succeeds once the lock is gone', async () => {
    const before = await chatCount();
    locker = new pg.Client({ connectionString: schema.url });
    await locker.connect();
    await locker.query('begin');
    await locker.query('lock table chats in access exclusive mode');

    const refused = await createChat('behind a lock');
    expect503(refused);
    expect(refused.body.message).toBe('the database did not answer in time; retry shortly');
    // Reads of other tables go on meanwhile: the connection itself is fine.
    expect((await ada.get('/dev-users.self')).status).toBe(200);

    await locker.query('rollback');
    await locker.end();
    locker = undefined;
    expect(await chatCount()).toBe(before);
    expect((await createChat('after the lock')).status).toBe(201);
    expect(await chatCount()).toBe(before + 1);
  });
});

describe('a connection that stops answering (a dropped network)', () => {
  it('is 503 with Retry-After, is replaced, and the server recovers by itself', async () => {
    expect((await ada.get('/dev-users.self')).status).toBe(200);
    const openedBefore = proxy.connectionsOpened();
    const before = await chatCount();
    proxy.freeze();
    try {
      // Both a write and a read: neither may hang.
      expect503(await createChat('into the void'));
      expect503(await ada.get('/dev-users.self'));
    } finally {
      proxy.thaw();
    }
    // The silent connection was closed by Confab, and a new one is opened for what follows.
    const deadline = Date.now() + 10_000;
    let response: Response;
    do {
      response = await createChat('after the network came back');
    } while (response.status === 503 && Date.now() < deadline);
    expect(response.status).toBe(201);
    expect(proxy.connectionsOpened()).toBeGreaterThan(openedBefore);
    expect(await chatCount()).toBe(before + 1);
  });
});
