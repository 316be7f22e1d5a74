/**
 * Moving from the embedded SQLite default to PostgreSQL, as the README tells it:
 * `confab export --include-secrets` from SQLite, `confab import` into PostgreSQL, and the
 * PostgreSQL copy exports the very same bytes, serves the same ids, tokens and messages,
 * and exports back into SQLite unchanged.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, requireTestDatabaseUrl, type TestSchema } from '../helpers/postgres.js';
import { confab, serve } from '../helpers/process.js';
import { Client, useServer, type Person } from '../helpers/server.js';
import { synthetic } from '../helpers/synthetic-export.js';
import { buildWorld, type World } from '../helpers/world.js';

const baseUrl = requireTestDatabaseUrl();
const dir = mkdtempSync(join(tmpdir(), 'confab-move-'));
const sqliteSource = `sqlite:${join(dir, 'embedded.sqlite')}`;
const t = useServer({ databaseUrl: sqliteSource, realtime: { webhookAllowPrivate: true } });
const schemas: TestSchema[] = [];
let files = 0;

afterAll(async () => {
  for (const schema of schemas) await schema.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function freshPostgres(): Promise<string> {
  const schema = await createTestSchema(baseUrl);
  schemas.push(schema);
  return schema.url;
}

async function exportOf(databaseUrl: string): Promise<string> {
  const out = join(dir, `export-${++files}.jsonl`);
  const result = await confab(['export', '--include-secrets', '--out', out], { DATABASE_URL: databaseUrl });
  expect(result.code, result.stderr).toBe(0);
  return readFileSync(out, 'utf8');
}

async function importInto(databaseUrl: string, text: string, ...flags: string[]) {
  const file = join(dir, `import-${++files}.jsonl`);
  writeFileSync(file, text);
  const result = await confab(['import', file, '--json', ...flags], { DATABASE_URL: databaseUrl });
  expect(result.code, result.stderr + result.stdout).toBe(0);
  return JSON.parse(result.stdout) as { records: number; created: number; unchanged: number };
}

function withoutCursors(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (key, field) => (key === 'next_cursor' || key === 'prev_cursor' ? undefined : field));
}

let world: World;
let fromSqlite: string;
beforeAll(async () => {
  expect(t.databaseUrl).toBe(sqliteSource);
  world = await buildWorld(t);
  fromSqlite = await exportOf(sqliteSource);
}, 60_000);

describe('moving from SQLite to PostgreSQL', { timeout: 120_000 }, () => {
  it('exports the same bytes from PostgreSQL as from SQLite, and back into SQLite; a second import changes nothing', async () => {
    const postgres = await freshPostgres();
    const records = fromSqlite.trimEnd().split('\n').length - 1;
    expect(await importInto(postgres, fromSqlite)).toEqual({ records, created: records, unchanged: 0 });
    const fromPostgres = await exportOf(postgres);
    expect(fromPostgres).toBe(fromSqlite);
    expect(await importInto(postgres, fromSqlite)).toEqual({ records, created: 0, unchanged: records });

    const backToSqlite = `sqlite:${join(dir, 'back.sqlite')}`;
    await importInto(backToSqlite, fromPostgres);
    expect(await exportOf(backToSqlite)).toBe(fromSqlite);
  });

  it('serves the moved data from PostgreSQL: same ids, the same tokens work, numbering goes on', async () => {
    const postgres = await freshPostgres();
    await importInto(postgres, fromSqlite);
    const server = await serve(postgres);
    try {
      const moved = { as: (person: Person) => new Client(server.url, `Bearer ${person.token}`) };
      expect(withoutCursors(await world.messages(moved))).toEqual(withoutCursors(await world.messages(t)));
      // Files on messages are in PostgreSQL's bytea now, the same bytes.
      expect(await world.files(moved)).toEqual(await world.files(t));
      const created = await moved.as(world.grace).post('/timeline-entries.create', { type: 'timeline_comment', object: world.chat.id, body: 'on PostgreSQL now' });
      expect(created.status).toBe(201);
      const before = JSON.parse(fromSqlite.split('\n').find((line) => line.includes('"type":"org"') && line.includes(world.ada.org.slug))!);
      expect(created.body.timeline_entry.display_id).toBe(`COMMENT-${before.sequences.timeline_comment + 1}`);
    } finally {
      await server.stop();
    }
  });

  it('moves thousands of messages in batches, byte for byte', async () => {
    const text = synthetic({ chats: 50, messages: 5_000 });
    const postgres = await freshPostgres();
    expect((await importInto(postgres, text, '--batch-size', '700')).created).toBe(5_053);
    expect(await exportOf(postgres)).toBe(text);
  });
});
