/**
 * An in-memory database starts from the migrated template the build writes
 * (src/store/memory-template.ts) instead of running every migration, and is a database
 * like any other from there: fully migrated, empty, writable.
 */
import { describe, expect, it } from 'vitest';
import { now } from '../src/model/index.js';
import { openStore } from '../src/store/open.js';
import { MEMORY_TEMPLATE_PATH, readMemoryTemplate } from '../src/store/memory-template.js';

describe('in-memory databases', () => {
  it('start from the build\'s template: every migration is already applied, and no row is there', async () => {
    expect(readMemoryTemplate(), `${MEMORY_TEMPLATE_PATH} (written by npm run build)`).toBeDefined();
    const store = await openStore('sqlite::memory:');
    try {
      expect(await store.pendingMigrations()).toEqual([]);
      expect(await store.migrate()).toEqual([]);
      expect(await store.orgs.list()).toEqual([]);
      const org = await store.orgs.insert('acme', 'Acme', now());
      expect((await store.orgs.list()).map((each) => each.slug)).toEqual([org.slug]);
    } finally {
      await store.close();
    }
  });
});
