/**
 * The package's library entry: the typed client, and `startConfab` / `connectConfab` for
 * test suites. The server is the `confab` command.
 */
export * from './client/index.js';
export {
  connectConfab,
  startConfab,
  type Confab,
  type ConfabConnection,
  type ConfabTenant,
  type ConfabUser,
  type ConnectedConfab,
  type StartConfabOptions,
} from './testing/start.js';
export type { Fixtures, TenantFixtures } from './schema/fixtures.js';
