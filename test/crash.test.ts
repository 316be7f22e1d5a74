/**
 * Crash safety: writes run concurrently, the server is killed with SIGKILL mid-stream
 * and restarted; every write acknowledged with 2xx must be there, and no write half there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Client } from './helpers/server.js';
import { confabJson, spawnServer } from './helpers/process.js';

const dir = mkdtempSync(join(tmpdir(), 'confab-crash-'));
const databaseFile = join(dir, 'confab.db');
const databaseUrl = `sqlite:${databaseFile}`;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('crash safety', () => {
  it('keeps every acknowledged write across a SIGKILL, and no half-written one', async () => {
    const first = await spawnServer(databaseUrl, {}, true);
    const admin = new Client(first.url, `Bearer ${first.firstRunToken}`);
    const adminId = (await admin.get('/dev-users.self')).body.dev_user.id as string;
    const bobId = (await confabJson(databaseUrl, ['users', 'create', '--type', 'dev_user', '--email', 'bob@example.com', '--display-name', 'bob']))
      .user.id as string;

    const acknowledged = new Map<string, string>();
    let stop = false;
    let sequence = 0;
    const writer = async () => {
      while (!stop) {
        const title = `write-${++sequence}`;
        try {
          const response = await admin.post('/chats.create', { type: 'dm', users: [adminId, bobId], is_default: false, title });
          if (response.status === 201) acknowledged.set(response.body.chat.id, title);
        } catch {
          return; // the server is gone
        }
      }
    };
    let writing = 8;
    const writers = Array.from({ length: 8 }, () => writer().finally(() => (writing -= 1)));
    while (acknowledged.size < 100 && writing > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(acknowledged.size).toBeGreaterThanOrEqual(100);
    first.child.kill('SIGKILL');
    stop = true;
    await Promise.all(writers);
    expect(await first.exited).toBeNull();

    const second = await spawnServer(databaseUrl);
    try {
      const client = new Client(second.url, `Bearer ${first.firstRunToken}`);
      for (const [id, title] of acknowledged) {
        const response = await client.get('/chats.get', { id });
        expect(response.status, id).toBe(200);
        expect(response.body.chat.title).toBe(title);
        expect(response.body.chat.users.map((user: { id: string }) => user.id).sort()).toEqual([adminId, bobId].sort());
      }
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }

    // Whatever was in flight at the kill is either wholly there or wholly absent.
    const database = new BetterSqlite3(databaseFile, { readonly: true });
    try {
      const chats = database.prepare('SELECT id, title FROM chats').all() as { id: number; title: string }[];
      expect(chats.length).toBeGreaterThanOrEqual(acknowledged.size);
      const partial = database
        .prepare('SELECT c.id FROM chats c WHERE (SELECT COUNT(*) FROM chat_users u WHERE u.chat_id = c.id) <> 2')
        .all();
      expect(partial).toEqual([]);
    } finally {
      database.close();
    }
    // Two server starts and a few hundred requests: slow on a loaded machine.
  }, 120_000);
});
