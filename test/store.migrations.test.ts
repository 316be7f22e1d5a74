/**
 * Which migrations a database still needs, as every start and /ready ask it: read from the
 * migrator's own record in one statement, with anything unusual left to Kysely's migrator.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationProvider } from '../src/store/migrations/index.js';
import { openStore } from '../src/store/open.js';

const dir = mkdtempSync(join(tmpdir(), 'confab-migrations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `statement` on the file from a connection of its own, as an operator's shell would. */
function behindItsBack(file: string, statement: string): void {
  const database = new BetterSqlite3(file);
  try {
    database.prepare(statement).run();
  } finally {
    database.close();
  }
}

describe('pending migrations', () => {
  it('are all of them on a new database, none once migrated, and the one whose record is gone', async () => {
    const file = join(dir, 'pending.db');
    const known = Object.keys(await migrationProvider('sqlite').getMigrations());
    const store = await openStore(`sqlite:${file}`);
    try {
      expect(await store.pendingMigrations()).toEqual(known);
      expect(await store.migrate()).toEqual(known);
      expect(await store.pendingMigrations()).toEqual([]);
      expect(await store.migrate()).toEqual([]);
      behindItsBack(file, `delete from kysely_migration where name = '${known.at(-1)}'`);
      expect(await store.pendingMigrations()).toEqual([known.at(-1)]);
    } finally {
      await store.close();
    }
  });

  it('refuses to migrate a database that has applied a migration this code does not know', async () => {
    const file = join(dir, 'newer.db');
    const store = await openStore(`sqlite:${file}`);
    try {
      await store.migrate();
      behindItsBack(file, `insert into kysely_migration (name, timestamp) values ('9999_from_a_newer_confab', '2030-01-01T00:00:00.000Z')`);
      await expect(store.migrate()).rejects.toThrow(/9999_from_a_newer_confab/);
    } finally {
      await store.close();
    }
  });
});
