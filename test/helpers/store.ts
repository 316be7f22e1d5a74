/**
 * A migrated store of its own for tests of the store itself: an in-memory SQLite database,
 * or with TEST_DATABASE_URL a fresh PostgreSQL schema, dropped afterwards.
 */
import { openStore } from '../../src/store/open.js';
import type { RootStore } from '../../src/store/index.js';
import { createTestSchema, testDatabaseUrl } from './postgres.js';

export async function openTestStore(): Promise<{ store: RootStore; close: () => Promise<void> }> {
  const postgresUrl = testDatabaseUrl();
  const schema = postgresUrl ? await createTestSchema(postgresUrl) : undefined;
  const store = await openStore(schema?.url ?? 'sqlite::memory:');
  await store.migrate();
  return {
    store,
    close: async () => {
      await store.close();
      await schema?.drop();
    },
  };
}
