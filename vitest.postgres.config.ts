import { configDefaults, defineConfig } from 'vitest/config';

/**
 * `npm run test:postgres`: the whole suite on PostgreSQL (TEST_DATABASE_URL, a schema per
 * test file), plus test/services/ (several server processes, outages, Redis).
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // SQLite's own lock (PostgreSQL's counterpart is test/services/database-timeouts.test.ts)
    // and SQLite's group commit (PostgreSQL commits each unit on a connection of its own).
    exclude: [...configDefaults.exclude, 'test/database-busy.test.ts', 'test/sqlite-group-commit.test.ts'],
    globalSetup: ['test/helpers/services-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
