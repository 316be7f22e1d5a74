/**
 * `confab export` and `confab import`, run as the real command (dist/) against the test
 * server's database and fresh SQLite files: a round trip is byte-identical, a second import
 * changes nothing, a killed import finishes when run again, and bad files are refused with
 * the line that is wrong, leaving nothing of its batch behind.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NUMBER_BLOCK_SIZE } from '../src/store/numbers.js';
import { CONFAB_BIN, confab, serve } from './helpers/process.js';
import { Client, useServer, type Person } from './helpers/server.js';
import { synthetic } from './helpers/synthetic-export.js';
import { buildWorld, type World } from './helpers/world.js';

const t = useServer({ realtime: { webhookAllowPrivate: true } });
const dir = mkdtempSync(join(tmpdir(), 'confab-portability-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
const freshDatabase = () => `sqlite:${join(dir, `db-${++files}.sqlite`)}`;
const path = (name: string) => join(dir, name);
const run = (databaseUrl: string, ...args: string[]) => confab(args, { DATABASE_URL: databaseUrl });

async function exportOf(databaseUrl: string, ...flags: string[]): Promise<string> {
  const out = path(`export-${++files}.jsonl`);
  const result = await run(databaseUrl, 'export', '--out', out, ...flags);
  expect(result.code, result.stderr).toBe(0);
  return readFileSync(out, 'utf8');
}

async function importInto(databaseUrl: string, file: string, ...flags: string[]) {
  const result = await run(databaseUrl, 'import', file, '--json', ...flags);
  expect(result.code, result.stderr + result.stdout).toBe(0);
  return JSON.parse(result.stdout) as { records: number; created: number; unchanged: number };
}

function writeFile(name: string, text: string): string {
  writeFileSync(path(name), text);
  return path(name);
}

/** Every row of every table of an SQLite database, as text: what must not change. */
function dump(databaseUrl: string): string {
  const db = new Database(databaseUrl.slice('sqlite:'.length), { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'timeline_search%'").all() as { name: string }[];
    return JSON.stringify(tables.map(({ name }) => [name, (db.prepare(`SELECT * FROM "${name}"`).all() as object[]).map((row) => JSON.stringify(row)).sort()]));
  } finally {
    db.close();
  }
}

const count = (databaseUrl: string, table: string) => {
  const db = new Database(databaseUrl.slice('sqlite:'.length), { readonly: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
};

/** Cursors are signed with each server's own key; everything else must be the same. */
function withoutCursors(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (key, field) => (key === 'next_cursor' || key === 'prev_cursor' ? undefined : field));
}

let world: World;
let withSecrets: string;
let withoutSecrets: string;
beforeAll(async () => {
  world = await buildWorld(t);
  withSecrets = await exportOf(t.databaseUrl, '--include-secrets');
  withoutSecrets = await exportOf(t.databaseUrl);
}, 60_000);

describe('confab export', { timeout: 60_000 }, () => {
  it('writes a header with the format version and record count, then one record a line in dependency order', () => {
    const lines = withSecrets.trimEnd().split('\n');
    expect(JSON.parse(lines[0]!)).toEqual({ format: 'confab-export', version: 2, records: lines.length - 1 });
    const types = lines.slice(1).map((line) => (JSON.parse(line) as { type: string }).type);
    const order = ['org', 'rev_org', 'user', 'group', 'group_member', 'chat', 'timeline_entry', 'read_state', 'webhook', 'token', 'artifact', 'display_picture'];
    // Only the world's organization is in the test server's database here... and every kind of record is in it.
    expect(new Set(types)).toEqual(new Set(order));
    const ofWorld = lines.slice(1).map((line) => JSON.parse(line)).filter((record) => record.org === world.ada.org.slug || record.slug === world.ada.org.slug);
    const ranks = ofWorld.map((record) => order.indexOf(record.type));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    const entry = ofWorld.find((record) => record.type === 'timeline_entry' && record.external_ref === 'msg-1');
    expect(entry).toMatchObject({ chat: world.chat.display_id, labels: ['plan', 'launch'], reactions: [{ emoji: '1f44d' }, { emoji: '1f389' }, { emoji: '1f389' }] });
    expect(ofWorld.filter((record) => record.parent === entry.id)).toHaveLength(2);
  });

  it('leaves out API tokens and webhook secrets unless asked for them with --include-secrets', () => {
    expect(withoutSecrets).not.toContain('"type":"token"');
    expect(withoutSecrets).not.toContain('"secret"');
    expect(withSecrets).toContain('"type":"token"');
    expect(withSecrets).toMatch(/"type":"webhook".*"secret":"/);
  });

  it('writes to stdout without --out', async () => {
    const result = await run(t.databaseUrl, 'export', '--include-secrets');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(withSecrets);
  });

  it('refuses an unknown --org, writing no file', async () => {
    const result = await run(t.databaseUrl, 'export', '--org', 'nosuchorg', '--out', path('none.jsonl'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('organization nosuchorg not found');
    expect(() => readFileSync(path('none.jsonl'))).toThrow();
    expect(() => readFileSync(path('none.jsonl.partial'))).toThrow();
  });
});

describe('confab import', { timeout: 60_000 }, () => {
  it('round-trips byte for byte: export → import into an empty database → export', async () => {
    for (const [text, flags] of [[withSecrets, ['--include-secrets']], [withoutSecrets, []]] as const) {
      const target = freshDatabase();
      const summary = await importInto(target, writeFile(`round-${++files}.jsonl`, text));
      expect(summary).toEqual({ records: text.trimEnd().split('\n').length - 1, created: summary.records, unchanged: 0 });
      expect(await exportOf(target, ...flags)).toBe(text);
    }
  });

  it('gives a server on the imported database the same ids, tokens, messages and read state; numbering goes on after them', async () => {
    const target = freshDatabase();
    await importInto(target, writeFile('serve.jsonl', withSecrets));
    const server = await serve(target);
    try {
      const copy = { as: (person: Person) => new Client(server.url, `Bearer ${person.token}`) };
      expect(withoutCursors(await world.messages(copy))).toEqual(withoutCursors(await world.messages(t)));
      // Files on messages come back byte for byte, in their place, for who may read them.
      expect(await world.files(copy)).toEqual(await world.files(t));
      const created = await copy.as(world.ada).post('/chats.create', { type: 'dm', users: [world.ada.id], is_default: false });
      expect(created.status).toBe(201);
      // After the exported counter, which covers the block of numbers the exporting server
      // had reserved (store/numbers.ts): after CHAN-3, within one block of it.
      const number = Number(created.body.chat.display_id.split('-')[1]);
      expect(number).toBeGreaterThan(3);
      expect(number).toBeLessThanOrEqual(3 + NUMBER_BLOCK_SIZE + 1);
    } finally {
      await server.stop();
    }
  });

  it('changes nothing when the same file is imported a second time', async () => {
    const target = freshDatabase();
    const file = writeFile('twice.jsonl', withSecrets);
    const first = await importInto(target, file);
    const before = dump(target);
    const second = await importInto(target, file);
    expect(second).toEqual({ records: first.records, created: 0, unchanged: first.records });
    expect(dump(target)).toBe(before);
  });

  it('gives webhooks of an export without secrets a new secret, and takes the file again as unchanged', async () => {
    const target = freshDatabase();
    await importInto(target, writeFile('plain.jsonl', withoutSecrets));
    const theirs = (JSON.parse(withSecrets.split('\n').find((line) => line.includes('"type":"webhook"'))!) as { secret: string }).secret;
    const ours = (await exportOf(target, '--include-secrets')).split('\n').find((line) => line.includes('"type":"webhook"'))!;
    expect(JSON.parse(ours).secret).toMatch(/^[A-Za-z0-9+/=]{40,}$/);
    expect(JSON.parse(ours).secret).not.toBe(theirs);
    expect((await importInto(target, path('plain.jsonl'))).created).toBe(0);
  });

  it('finishes with exactly one copy of everything when an import killed half-way is run again', async () => {
    // Forty batches, as with 20,000 messages in batches of 500, at a tenth of the writing.
    const text = synthetic({ chats: 20, messages: 2_000 });
    const lines = text.split('\n');
    const target = freshDatabase();
    // The first half goes in through stdin; once it is committed the process waits for
    // more, and is killed there.
    const child = spawn(process.execPath, [CONFAB_BIN, 'import', '-', '--batch-size', '50'], {
      env: { ...process.env, DATABASE_URL: target, LOG_LEVEL: 'warn' },
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.stdin.write(`${lines.slice(0, 1_001).join('\n')}\n`);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      try {
        if (count(target, 'timeline_entries') >= 950) break;
      } catch {
        // The database is not there yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill('SIGKILL');
    await exited;
    const halfway = count(target, 'timeline_entries');
    expect(halfway).toBeGreaterThanOrEqual(950);
    expect(halfway).toBeLessThan(2_000);

    const summary = await importInto(target, writeFile('bulk.jsonl', text));
    expect(summary.created + summary.unchanged).toBe(summary.records);
    expect(summary.unchanged).toBe(halfway + 1 + 2 + 20);
    expect(count(target, 'timeline_entries')).toBe(2_000);
    expect(await exportOf(target)).toBe(text);
  }, 120_000);

  describe('bad input', () => {
    const good = () => synthetic({ chats: 1, messages: 6 });
    // Line 1 is the header, 2 the org, 3-4 users, 5 the chat, 6-11 messages. In batches of
    // 3 records (lines 2-4, 5-7, 8-10, 11), a bad line 7 is the last of a batch that
    // begins with the chat and a message: none of the three may be written.
    const cases: [string, (lines: string[]) => void, number, RegExp][] = [
      ['a line that is not JSON', (lines) => (lines[6] = '{"type":"timeline_entry",'), 7, /line 7: not valid JSON/],
      ['an unknown record type', (lines) => (lines[6] = '{"type":"issue","org":"bulk"}'), 7, /line 7: 'type' must be one of org, rev_org, user/],
      ['a missing field', (lines) => (lines[6] = lines[6]!.replace(/"created_by":"DEVU-\d+",/, '')), 7, /line 7: the timeline_entry record needs the field 'created_by'/],
      ['an unknown field', (lines) => (lines[6] = lines[6]!.replace('{"type"', '{"extra":1,"type"')), 7, /line 7: the timeline_entry record has an unknown field 'extra'/],
      ['a malformed id', (lines) => (lines[6] = lines[6]!.replace('"chat":"CHAN-1"', '"chat":"CHAN-01"')), 7, /line 7: .*field 'chat': not a chat id as Confab writes it \(e\.g\. CHAN-1\)/],
      ['a malformed timestamp', (lines) => (lines[6] = lines[6]!.replace(/"created_at":"[^"]+"/, '"created_at":"yesterday"')), 7, /line 7: .*field 'created_at': not a timestamp/],
      ['an empty line', (lines) => (lines[6] = ''), 7, /line 7: the line is empty/],
      ['a reference to a chat that is nowhere', (lines) => (lines[6] = lines[6]!.replace('"chat":"CHAN-1"', '"chat":"CHAN-9"')), 7, /line 7: chat CHAN-9 of organization bulk is neither earlier in the file nor in the database/],
      ['a reply to an entry of the future', (lines) => (lines[6] = lines[6]!.replace('"chat":"CHAN-1"', '"chat":"CHAN-1","parent":"COMMENT-5"')), 7, /line 7: parent COMMENT-5 is neither earlier in the file nor in the database/],
      ['the same key twice', (lines) => (lines[6] = lines[5]!), 7, /line 7: timeline entry COMMENT-1 of organization bulk is also on line 6/],
      ['a header of a newer format', (lines) => (lines[0] = lines[0]!.replace('"version":2', '"version":3')), 1, /line 1: the file is format version 3, written by a newer Confab/],
      ['no header', (lines) => lines.shift(), 1, /line 1: this is not a Confab export/],
    ];
    for (const [name, breakIt, line, message] of cases) {
      it(`fails on ${name} with the line number, keeping earlier batches and nothing of the line's batch`, async () => {
        const lines = good().split('\n');
        breakIt(lines);
        const target = freshDatabase();
        const result = await run(target, 'import', writeFile(`bad-${++files}.jsonl`, lines.join('\n')), '--batch-size', '3');
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(message);
        const kept = line === 1 ? { orgs: 0, users: 0 } : { orgs: 1, users: 2 };
        expect({ orgs: count(target, 'orgs'), users: count(target, 'users'), chats: count(target, 'chats'), entries: count(target, 'timeline_entries') }).toEqual({
          ...kept,
          chats: 0,
          entries: 0,
        });
      });
    }

    it('refuses an organization that holds other data under the same key, naming the line and the key, and changes nothing', async () => {
      const target = freshDatabase();
      await importInto(target, writeFile('original.jsonl', good()));
      const before = dump(target);
      const changed = good().replace('"display_name":"Grace"', '"display_name":"Grace H."');
      const result = await run(target, 'import', writeFile('changed.jsonl', changed));
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('line 4: user DEVU-2 of organization bulk is already in the database with other data: display_name is "Grace" in the database and "Grace H." in the file');
      expect(dump(target)).toBe(before);
    });

    it('refuses an email that another user of the organization has, as a conflict at its line', async () => {
      const target = freshDatabase();
      await importInto(target, writeFile('emails.jsonl', good()));
      const more = good().replace('"id":"DEVU-2","email":"grace@bulk.test"', '"id":"DEVU-3","email":"grace@bulk.test"');
      const result = await run(target, 'import', writeFile('emails-2.jsonl', more));
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('line 4: user DEVU-3: another dev_user of organization bulk has the same email or external_ref');
    });

    it('imports what a file cut short holds and says it was cut short; the whole file then completes it', async () => {
      const text = good();
      const target = freshDatabase();
      const cut = text.split('\n').slice(0, 8).join('\n');
      const result = await run(target, 'import', writeFile('cut.jsonl', cut));
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('line 8: the file ends after 7 records, but its header announces 10: it was cut short');
      expect(count(target, 'timeline_entries')).toBe(3);
      expect((await importInto(target, writeFile('whole.jsonl', text))).created).toBe(3);
      expect(await exportOf(target)).toBe(text);
    });

    it('says which file it cannot read', async () => {
      const result = await run(freshDatabase(), 'import', path('missing.jsonl'));
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/cannot read .*missing\.jsonl/);
    });
  });
});
