/**
 * Another process holding SQLite's write lock past the busy timeout (a backup, a manual
 * edit, a long migration elsewhere) is the database being unavailable for a moment, not a
 * bug: writes get 503 service_unavailable with Retry-After, and work again once it lets go.
 */
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useServer, type Person } from './helpers/server.js';

// A short busy timeout keeps the test quick; the default is 5 s.
const t = useServer({ databaseBusyTimeoutMs: 200 });
let ada: Person;
let bob: Person;
let holder: Database.Database | undefined;

beforeAll(async () => {
  ada = await t.given.org();
  bob = await t.given.user(ada);
});

afterEach(() => {
  if (holder?.inTransaction) holder.exec('ROLLBACK');
  holder?.close();
  holder = undefined;
});

function holdWriteLock(): Database.Database {
  holder = new Database(t.databaseFile);
  holder.exec('BEGIN IMMEDIATE');
  return holder;
}

describe('a write while another connection holds the write lock', () => {
  it('is 503 service_unavailable with Retry-After, changes nothing, and succeeds once the lock is gone', async () => {
    const before = await t.snapshot();
    const lock = holdWriteLock();
    const refused = await t.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id], title: 'busy' });
    expect(refused.status).toBe(503);
    expect(refused.body).toEqual({ type: 'service_unavailable', message: 'the database is busy; retry shortly' });
    expect(refused.headers.get('retry-after')).toBe('1');
    // Readers are not blocked by a writer in WAL mode.
    expect((await t.as(ada).get('/dev-users.self')).status).toBe(200);
    lock.exec('ROLLBACK');
    expect(await t.snapshot()).toBe(before);

    const accepted = await t.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id], title: 'busy' });
    expect(accepted.status).toBe(201);
  });

  it('is 503 for a message too, inside the transaction that writes its event', async () => {
    const chat = await t.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id], is_default: false });
    expect(chat.status).toBe(201);
    holdWriteLock();
    const refused = await t
      .as(bob)
      .post('/timeline-entries.create', { type: 'timeline_comment', object: chat.body.chat.id, body: 'hello' });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.body.type).toBe('service_unavailable');
  });
});
