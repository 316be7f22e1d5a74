import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    // test/services/ needs PostgreSQL and Redis: `npm run test:postgres` runs it.
    exclude: [...configDefaults.exclude, 'test/services/**'],
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
