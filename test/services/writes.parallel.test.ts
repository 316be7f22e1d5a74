/**
 * On PostgreSQL a write holds no lock of its organization (issue 24): a transaction that
 * holds one chat's row and every counter of the org — what a writer of that chat held
 * before — holds up writes to that chat only; the org's other chats go on.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useServer, type Person } from '../helpers/server.js';
import { requireTestDatabaseUrl } from '../helpers/postgres.js';

requireTestDatabaseUrl();
const test = useServer();
let ada: Person;
let blocker: pg.Client;

beforeAll(async () => {
  ada = await test.given.org();
  blocker = new pg.Client({ connectionString: test.databaseUrl });
  await blocker.connect();
});

afterAll(async () => {
  await blocker?.end();
});

function post(chat: { id: string }, body: string) {
  return test.as(ada).post('/timeline-entries.create', { type: 'timeline_comment', object: chat.id, body });
}

describe('timeline-entries.create on PostgreSQL', () => {
  it('goes on in one chat while another chat of the org and all its counters are locked; that chat waits its turn', async () => {
    const [held, free] = [await test.given.chat(ada), await test.given.chat(ada)];
    // Warm: this process has its block of numbers.
    expect((await post(free, 'warm')).status).toBe(201);
    expect((await post(held, 'before the lock')).status).toBe(201);
    await blocker.query('begin');
    try {
      await blocker.query('select 1 from sequences where org_id = $1 for update', [ada.org.id]);
      await blocker.query('select 1 from chats where org_id = $1 and number = $2 for update', [ada.org.id, Number(held.display_id.split('-')[1])]);
      let waited = false;
      const waiting = post(held, 'after the lock').then((response) => ((waited = true), response));
      const started = Date.now();
      const other = await post(free, 'meanwhile');
      expect(other.status).toBe(201);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(waited).toBe(false);
      await blocker.query('commit');
      const late = await waiting;
      expect(late.status).toBe(201);
      // In its chat, after what the chat had before.
      const listed = await test.as(ada).get('/timeline-entries.list', { object: held.id });
      expect(listed.body.timeline_entries.map((entry: { body: string }) => entry.body)).toEqual(['after the lock', 'before the lock']);
    } finally {
      await blocker.query('rollback').catch(() => undefined);
    }
  });
});
