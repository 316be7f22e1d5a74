/**
 * On PostgreSQL the hot queries go as named prepared statements (store/postgres.ts): each
 * connection parses and plans them once. A table changed under one — another process
 * migrating in a rolling upgrade — makes the server refuse the statement ("cached plan
 * must not change result type"); the request must still be answered, and the text is
 * sent unnamed from then on.
 */
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDon } from '../../src/domain/ids.js';
import { createUser } from '../../src/domain/orgs.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createTestSchema, requireTestDatabaseUrl, type TestSchema } from '../helpers/postgres.js';
import { Client } from '../helpers/server.js';

let schema: TestSchema;
let server: RunningServer;
let admin: Client;
let chatId: string;

beforeAll(async () => {
  schema = await createTestSchema(requireTestDatabaseUrl());
  // One connection: the statement prepared by the first request is the one the second meets.
  server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: schema.url, databasePoolSize: 1, logLevel: 'silent' }, pino({ level: 'silent' }));
  const { org, user, token } = server.firstRun!;
  admin = new Client(server.url, `Bearer ${token}`);
  const bob = await createUser(server.store, org, { type: 'dev_user', email: 'bob@prepared.test', displayName: 'bob' });
  const users = [formatDon(user.type, org.slug, user.number), formatDon(bob.type, org.slug, bob.number)];
  const created = await admin.post('/chats.create', { type: 'dm', users, title: 'prepared' });
  expect(created.status).toBe(201);
  chatId = created.body.chat.id;
});

afterAll(async () => {
  await server?.close();
  await schema?.drop();
});

async function inSchema(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: schema.url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

describe('named prepared statements', () => {
  it('answer the same after a table gained a column under them, and keep answering', async () => {
    for (let i = 0; i < 2; i++) expect((await admin.get('/chats.get', { id: chatId })).status).toBe(200);
    await inSchema('alter table chats add column added_by_a_newer_release text');
    for (let i = 0; i < 3; i++) {
      const response = await admin.get('/chats.get', { id: chatId });
      expect(response.status).toBe(200);
      expect(response.body.chat.title).toBe('prepared');
    }
  });

  it('inside a transaction too: the refused transaction runs again from the start, once', async () => {
    const update = (title: string) => admin.post('/chats.update', { id: chatId, title });
    for (const title of ['one', 'two']) expect((await update(title)).status).toBe(200);
    await inSchema('alter table chats add column added_by_another_release text');
    const updated = await update('three');
    expect(updated.status).toBe(200);
    expect(updated.body.chat.title).toBe('three');
    expect((await admin.get('/chats.get', { id: chatId })).body.chat.title).toBe('three');
  });
});
