import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    // test/services/ needs PostgreSQL and Redis: `npm run test:postgres` runs it. The
    // runner examples have their own runners and setups; test/examples.test.ts runs them.
    exclude: [...configDefaults.exclude, 'test/services/**', 'examples/vitest-global-setup/**', 'examples/jest-global-setup/**', 'examples/node-test/**'],
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
