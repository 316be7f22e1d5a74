/**
 * Writes from two server processes at once, on one database (an SQLite file, or with
 * TEST_DATABASE_URL a PostgreSQL schema) — issue 24: display numbers come from per-process
 * blocks, never twice; a chat's entries are ordered by stamps taken under the chat's lock,
 * so a reader paging by (created_date, id) never sees an entry appear behind one it has
 * already passed, however the writers interleave.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, testDatabaseUrl, type TestSchema } from './helpers/postgres.js';
import { confab, serve, type ServeProcess } from './helpers/process.js';
import { Client } from './helpers/server.js';

let dir: string;
let schema: TestSchema | undefined;
let a: ServeProcess;
let b: ServeProcess;
let viaA: Client;
let viaB: Client;
let userId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'confab-writes-'));
  const postgresUrl = testDatabaseUrl();
  if (postgresUrl) schema = await createTestSchema(postgresUrl);
  const database = schema?.url ?? `sqlite:${join(dir, 'confab.db')}`;
  const init = await confab(['init', '--org', 'Writers', '--email', 'ada@example.com', '--json'], { DATABASE_URL: database });
  const { token, user } = JSON.parse(init.stdout);
  userId = user.id;
  [a, b] = await Promise.all([serve(database), serve(database)]);
  viaA = new Client(a.url, `Bearer ${token}`);
  viaB = new Client(b.url, `Bearer ${token}`);
}, 90_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await schema?.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function newChat(client: Client, title: string): Promise<string> {
  const response = await client.post('/chats.create', { type: 'dm', users: [userId], is_default: false, title });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.chat.id;
}

function post(client: Client, chat: string, body: string) {
  return client.post('/timeline-entries.create', { type: 'timeline_comment', object: chat, body });
}

/** The chat's entries, newest first, as one page (every chat here stays under 100 entries). */
async function timeline(client: Client, chat: string): Promise<string[]> {
  const response = await client.get('/timeline-entries.list', { object: chat, limit: '100' });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.timeline_entries.map((entry: { id: string }) => entry.id);
}

describe('writes from two processes at once', () => {
  it('never gives a display number twice: chats and messages written through both processes', async () => {
    const chats = await Promise.all([0, 1, 2, 3].map((index) => newChat(index % 2 ? viaB : viaA, `chat ${index}`)));
    const writes = Array.from({ length: 60 }, (_, index) => {
      const client = index % 2 ? viaB : viaA;
      return index % 5 === 0 ? client.post('/chats.create', { type: 'dm', users: [userId], is_default: false }) : post(client, chats[index % 4]!, `message ${index}`);
    });
    const responses = await Promise.all(writes);
    for (const response of responses) expect(response.status, JSON.stringify(response.body)).toBe(201);
    const entryNumbers = responses.flatMap((response) => (response.body.timeline_entry ? [response.body.timeline_entry.display_id] : []));
    const chatNumbers = [...chats, ...responses.flatMap((response) => (response.body.chat ? [response.body.chat.id] : []))];
    expect(entryNumbers).toHaveLength(48);
    expect(new Set(entryNumbers).size).toBe(entryNumbers.length);
    expect(new Set(chatNumbers).size).toBe(chatNumbers.length);
    // Each entry is where its number says, once.
    const listed = (await Promise.all(chats.map((chat) => timeline(viaA, chat)))).flat();
    expect(listed).toHaveLength(48);
    expect(new Set(listed).size).toBe(48);
  }, 60_000);

  it('keeps a chat in commit order: what a reader sees later only ever adds entries newer than all it saw', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Writers, each with its process and how many messages it sends in a row.
        fc.array(fc.record({ viaB: fc.boolean(), messages: fc.integer({ min: 1, max: 8 }) }), { minLength: 2, maxLength: 8 }),
        async (writers) => {
          const chat = await newChat(viaA, 'ordered');
          let writing = true;
          // Two readers, one per process, each looking as often as it can.
          const read = async (client: Client, seen: string[][]) => {
            while (writing) seen.push(await timeline(client, chat));
          };
          const seenViaA: string[][] = [];
          const seenViaB: string[][] = [];
          const readers = Promise.all([read(viaA, seenViaA), read(viaB, seenViaB)]);
          await Promise.all(
            writers.map(async (writer, index) => {
              for (let message = 0; message < writer.messages; message++) {
                const response = await post(writer.viaB ? viaB : viaA, chat, `writer ${index} message ${message}`);
                expect(response.status, JSON.stringify(response.body)).toBe(201);
              }
            }),
          );
          writing = false;
          await readers;
          seenViaA.push(await timeline(viaA, chat));
          seenViaB.push(await timeline(viaB, chat));
          const total = writers.reduce((sum, writer) => sum + writer.messages, 0);
          for (const snapshots of [seenViaA, seenViaB]) {
            expect(snapshots.at(-1)).toHaveLength(total);
            expect(new Set(snapshots.at(-1)).size).toBe(total);
            // Newest first: each earlier view is exactly the oldest part of each later one, so a
            // reader paging on from the newest entry it saw misses nothing and repeats nothing.
            for (let index = 1; index < snapshots.length; index++) {
              const [earlier, later] = [snapshots[index - 1]!, snapshots[index]!];
              expect(later.slice(later.length - earlier.length)).toEqual(earlier);
            }
          }
        },
      ),
      { numRuns: 8 },
    );
  }, 120_000);
});
