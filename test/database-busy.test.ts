/**
 * Another connection holding SQLite's write lock (a backup, `confab import`, a manual edit)
 * is the database being unavailable for a moment, not a bug. A write waits for the lock
 * without stopping the server: reads and /health go on being answered meanwhile, the write
 * succeeds once the lock is let go, and past DATABASE_BUSY_TIMEOUT_MS it is 503
 * service_unavailable with Retry-After, having changed nothing.
 *
 * The lock is held from this process, as the server is: a server that waited for the lock
 * by blocking its event loop would also keep the lock from being let go on time, and every
 * answer would come after the release.
 */
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OVERLOAD } from '../src/http/overload.js';
import { useServer, type Person, type TestServer } from './helpers/server.js';

/** How long the other connection holds the lock in the tests that let it go on their own. */
const HOLD_MS = 2_000;

let holder: Database.Database | undefined;

afterEach(() => {
  if (holder?.open && holder.inTransaction) holder.exec('ROLLBACK');
  holder?.close();
  holder = undefined;
});

function holdWriteLock(t: TestServer): Database.Database {
  holder = new Database(t.databaseFile);
  holder.exec('BEGIN IMMEDIATE');
  return holder;
}

/**
 * Holds the write lock for HOLD_MS, and records in `events` the order in which the lock was
 * let go and each piece of `work` finished.
 */
async function whileLockedFor<T extends Record<string, () => Promise<unknown>>>(
  t: TestServer,
  work: T,
): Promise<{ events: string[]; results: { [K in keyof T]: Awaited<ReturnType<T[K]>> } }> {
  const events: string[] = [];
  const lock = holdWriteLock(t);
  const released = new Promise<void>((resolve) =>
    setTimeout(() => {
      lock.exec('ROLLBACK');
      events.push('released');
      resolve();
    }, HOLD_MS),
  );
  const entries = await Promise.all(
    Object.entries(work).map(async ([name, run]) => {
      const result = await run();
      events.push(name);
      return [name, result] as const;
    }),
  );
  await released;
  return { events, results: Object.fromEntries(entries) as { [K in keyof T]: Awaited<ReturnType<T[K]>> } };
}

describe('with a deadline longer than the lock is held', () => {
  // Overload protection as in production: the wait must not read as a stalled event loop.
  const t = useServer({ databaseBusyTimeoutMs: 10_000 }, { overload: DEFAULT_OVERLOAD });
  let ada: Person;
  let bob: Person;

  beforeAll(async () => {
    ada = await t.given.org();
    bob = await t.given.user(ada);
  });

  it('serves reads and /health while a write waits for the lock; the write succeeds once it is let go', async () => {
    const chat = await t.given.chat(ada, [bob]);
    const { events, results } = await whileLockedFor(t, {
      // A transaction that writes first (chats.create) and one that reads before it writes.
      chat: () => t.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id], title: 'waits', is_default: false }),
      message: () => t.as(bob).post('/timeline-entries.create', { type: 'timeline_comment', object: chat.id, body: 'waits too' }),
      self: () => t.as(ada).get('/dev-users.self'),
      health: () => t.client().get('/health'),
    });
    expect(results.self.status).toBe(200);
    expect(results.health.status).toBe(200);
    expect(events.indexOf('self')).toBeLessThan(events.indexOf('released'));
    expect(events.indexOf('health')).toBeLessThan(events.indexOf('released'));

    expect(results.chat.status).toBe(201);
    expect(results.message.status).toBe(201);
    expect(events.indexOf('chat')).toBeGreaterThan(events.indexOf('released'));
    expect(events.indexOf('message')).toBeGreaterThan(events.indexOf('released'));
  });

  it('does not refuse the next write as overloaded once the lock is let go', async () => {
    const { results } = await whileLockedFor(t, {
      waited: () => t.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id], title: 'first', is_default: false }),
    });
    expect(results.waited.status).toBe(201);
    const next = await t.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id], title: 'next', is_default: false });
    expect(next.status).toBe(201);
  });
});

describe('with a deadline shorter than the lock is held', () => {
  const t = useServer({ databaseBusyTimeoutMs: 200 });
  let ada: Person;
  let bob: Person;

  beforeAll(async () => {
    ada = await t.given.org();
    bob = await t.given.user(ada);
  });

  it('is 503 service_unavailable with Retry-After at the deadline, changes nothing, and succeeds once the lock is gone', async () => {
    const before = await t.snapshot();
    const { events, results } = await whileLockedFor(t, {
      refused: () => t.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id], title: 'busy' }),
      self: () => t.as(ada).get('/dev-users.self'),
    });
    expect(results.refused.status).toBe(503);
    expect(results.refused.body).toEqual({ type: 'service_unavailable', message: 'the database is busy; retry shortly' });
    expect(results.refused.headers.get('retry-after')).toBe('1');
    expect(results.self.status).toBe(200);
    expect(events.indexOf('refused')).toBeLessThan(events.indexOf('released'));
    expect(events.indexOf('self')).toBeLessThan(events.indexOf('released'));
    expect(await t.snapshot()).toBe(before);

    const accepted = await t.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id], title: 'busy' });
    expect(accepted.status).toBe(201);
  });

  it('is 503 for a message too, inside the transaction that writes its event', async () => {
    const chat = await t.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id], is_default: false });
    expect(chat.status).toBe(201);
    holdWriteLock(t);
    const refused = await t
      .as(bob)
      .post('/timeline-entries.create', { type: 'timeline_comment', object: chat.body.chat.id, body: 'hello' });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.body.type).toBe('service_unavailable');
  });
});
