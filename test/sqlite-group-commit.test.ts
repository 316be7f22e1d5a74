/**
 * Group commit on SQLite (src/store/group-commit.ts): units of work started in the same
 * turn of the event loop share one BEGIN IMMEDIATE … COMMIT, each in a savepoint of its
 * own. A unit that fails rolls back alone while its batch-mates commit; a unit is answered
 * only once its group has committed. Checkpoints run off the request path
 * (src/store/sqlite-checkpoint.ts).
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { now } from '../src/model/index.js';
import { UniqueViolation, type RootStore } from '../src/store/index.js';
import { openStore } from '../src/store/open.js';
import type { Database } from '../src/store/schema.js';
import { useServer } from './helpers/server.js';

const dir = mkdtempSync(join(tmpdir(), 'confab-group-commit-'));
const databaseFile = join(dir, 'confab.db');
let store: RootStore;
let sequence = 0;

beforeAll(async () => {
  store = await openStore(`sqlite:${databaseFile}`);
  await store.migrate();
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const slug = (name: string) => `${name}-${++sequence}`;

/** Slugs of the orgs another connection sees: what is committed, and only that. */
function committedSlugs(slugs: string[]): string[] {
  const reader = new BetterSqlite3(databaseFile, { readonly: true });
  try {
    const found = reader.prepare(`select slug from orgs where slug in (${slugs.map(() => '?').join(', ')})`).pluck().all(...slugs) as string[];
    return found.sort();
  } finally {
    reader.close();
  }
}

describe('group commit', () => {
  it('commits units of work started in the same turn in one transaction', async () => {
    const before = { ...store.commitStats };
    const slugs = Array.from({ length: 5 }, () => slug('together'));
    await Promise.all(slugs.map((name) => store.transaction((tx) => tx.orgs.insert(name, name, now()))));
    expect(store.commitStats.commits - before.commits).toBe(1);
    expect(store.commitStats.units - before.units).toBe(5);
    expect(committedSlugs(slugs)).toEqual([...slugs].sort());
  });

  it('rolls a failing unit back alone, to its savepoint, while its batch-mates commit', async () => {
    const [first, failing, duplicate, last] = [slug('first'), slug('failing'), slug('duplicate'), slug('last')];
    const before = { ...store.commitStats };
    const results = await Promise.allSettled([
      store.transaction((tx) => tx.orgs.insert(first, first, now())),
      store.transaction(async (tx) => {
        await tx.orgs.insert(failing, failing, now());
        throw new Error('changed my mind');
      }),
      // A statement that fails in SQLite after the unit wrote: the unit's first write goes too.
      store.transaction(async (tx) => {
        await tx.orgs.insert(duplicate, duplicate, now());
        return tx.orgs.insert(first, 'again', now());
      }),
      store.transaction((tx) => tx.orgs.insert(last, last, now())),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('changed my mind'));
    expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(UniqueViolation);
    expect(store.commitStats.commits - before.commits).toBe(1);
    expect(store.commitStats.units - before.units).toBe(2);
    expect(committedSlugs([first, failing, duplicate, last])).toEqual([first, last].sort());
  });

  it('answers a unit only once its whole group has committed', async () => {
    const [early, late] = [slug('early'), slug('late')];
    const seen: string[] = [];
    await Promise.all([
      store.transaction((tx) => tx.orgs.insert(early, early, now())).then(() => seen.push(`early answered; committed: ${committedSlugs([early])}`)),
      store.transaction(async (tx) => {
        await tx.orgs.insert(late, late, now());
        seen.push('late ran');
      }),
    ]);
    expect(seen).toEqual(['late ran', `early answered; committed: ${early}`]);
  });

  it('runs the batch-mates again when a failing unit takes the whole transaction down', async () => {
    const [kept, lost] = [slug('kept'), slug('lost')];
    let runs = 0;
    const results = await Promise.allSettled([
      store.transaction(async (tx) => {
        runs++;
        return tx.orgs.insert(kept, kept, now());
      }),
      // What SQLite does itself on a full disk or an I/O error: the transaction is gone.
      store.transaction(async (tx) => {
        await tx.orgs.insert(lost, lost, now());
        // Reached around the store, as no store method would roll back: the test's stand-in for SQLite.
        await sql`rollback`.execute((tx as unknown as { db: Kysely<Database> }).db);
        throw new Error('the transaction is gone');
      }),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected']);
    expect(runs).toBe(2);
    expect(committedSlugs([kept, lost])).toEqual([kept]);
  });
});

describe('checkpoints', () => {
  /** About `megabytes` of log: a 1,000-byte row per transaction, a thousand a megabyte. */
  async function writeMegabytes(on: RootStore, megabytes: number): Promise<void> {
    const name = 'x'.repeat(1_000);
    for (let batch = 0; batch < megabytes; batch++) {
      await Promise.all(Array.from({ length: 1_000 }, () => on.transaction((tx) => tx.orgs.insert(slug('bulk'), name, now()))));
    }
  }

  it('never run on the commit path: the log grows past SQLite\'s auto-checkpoint threshold', async () => {
    const file = join(dir, 'no-checkpoint.db');
    const quiet = await openStore(`sqlite:${file}`, { sqliteCheckpointIntervalMs: 60_000 });
    try {
      await quiet.migrate();
      // Past SQLite's own auto-checkpoint threshold (1,000 pages, ~4 MB), where a commit would checkpoint.
      await writeMegabytes(quiet, 5);
      expect(statSync(`${file}-wal`).size).toBeGreaterThan(5_000_000);
      expect(statSync(file).size).toBeLessThan(1_000_000);
    } finally {
      await quiet.close();
    }
    // The last connection to close folds the log back and removes it.
    expect(statSync(file).size).toBeGreaterThan(5_000_000);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('are run by a background worker, without any further commit', async () => {
    const file = join(dir, 'checkpointed.db');
    const busy = await openStore(`sqlite:${file}`, { sqliteCheckpointIntervalMs: 200 });
    try {
      await busy.migrate();
      await sleep(400); // the worker has started
      // One commit of ~1 MB: below SQLite's own threshold, so no commit checkpoints it.
      const name = 'x'.repeat(1_000);
      await busy.transaction(async (tx) => {
        for (let row = 0; row < 1_000; row++) await tx.orgs.insert(slug('one-commit'), name, now());
      });
      const deadline = Date.now() + 5_000;
      while (statSync(file).size < 1_000_000 && Date.now() < deadline) await sleep(50);
      expect(statSync(file).size).toBeGreaterThan(1_000_000);
    } finally {
      await busy.close();
    }
  });
});

describe('group commit over HTTP', () => {
  const t = useServer();

  it('answers concurrent creates, one of them a conflict, each after a shared commit', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const users = [ada.id, bob.id];
    expect((await t.as(ada).post('/chats.create', { type: 'dm', users, is_default: true })).status).toBe(201);
    const metric = async (name: string) => {
      const text = await (await fetch(`${t.url}/metrics`)).text();
      return Number(text.split('\n').find((line) => line.startsWith(`${name} `))!.split(' ')[1]);
    };
    const before = { commits: await metric('confab_db_commits_total'), units: await metric('confab_db_committed_units_total') };
    const titles = Array.from({ length: 40 }, (_, index) => `group ${index}`);
    // Connections opened beforehand, so that the creates arrive together, as they do at a busy server.
    await Promise.all([...titles, 'conflict'].map(() => t.as(ada).get('/dev-users.self')));
    const [conflict, ...created] = await Promise.all([
      t.as(ada).post('/chats.create', { type: 'dm', users, is_default: true }),
      ...titles.map((title) => t.as(ada).post('/chats.create', { type: 'dm', users, is_default: false, title })),
    ]);
    expect(conflict!.status).toBe(409);
    expect(conflict!.body.type).toBe('conflict');
    expect(created.map((response) => response.status)).toEqual(titles.map(() => 201));
    for (const response of created) {
      const read = await t.as(bob).post('/chats.get', { id: response.body.chat.id });
      expect(read.status).toBe(200);
      expect(read.body.chat.title).toBe(response.body.chat.title);
    }
    const units = (await metric('confab_db_committed_units_total')) - before.units;
    const commits = (await metric('confab_db_commits_total')) - before.commits;
    // 40 creates, and the token lookups' bookkeeping some of the requests may have written.
    expect(units).toBeGreaterThanOrEqual(40);
    expect(commits).toBeLessThan(units);
  });
});
