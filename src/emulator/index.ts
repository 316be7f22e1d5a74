/**
 * Emulator mode: an in-memory database, loaded from a fixtures file or holding the first
 * organization, which `reset()` puts back exactly as it was at start (same ids, same
 * tokens) between a client's tests — by restoring a snapshot taken right after loading.
 */
import type { RootStore } from '../store/index.js';
import { EmulatorAdmins } from './admins.js';
import { FixtureError } from './fixtures.js';
import type { LoadedOrg } from './load.js';
import { Snapshots } from './snapshots.js';
import { Tenants } from './tenants.js';

export { EmulatorAdmins } from './admins.js';
export { FixtureError, parseFixtures, readFixtures } from './fixtures.js';
export type { Fixtures } from '../schema/fixtures.js';
export { loadFixtures, type LoadedOrg, type Progress } from './load.js';
export { Snapshots, SNAPSHOT_NAME, type SnapshotInfo } from './snapshots.js';
export { Tenants, type Tenant } from './tenants.js';

export const MEMORY_DATABASE_URL = 'sqlite::memory:';

export interface Emulator {
  loaded: LoadedOrg[];
  /** Who may run whole-emulator operations: the admins of the organizations it started with. */
  admins: EmulatorAdmins;
  snapshots: Snapshots;
  /** `confab.orgs.create`: a fresh organization per test. */
  tenants: Tenants;
  /** Puts back the state after fixtures, then runs every `onReset` listener. */
  reset(): Promise<void>;
  /** Called after every restore (a reset or a snapshot): caches and streams catch up. */
  onRestore(listener: () => Promise<void> | void): void;
  /** Called after a reset only (the journal empties). */
  onReset(listener: () => Promise<void> | void): void;
  close(): Promise<void>;
}

/** Takes the baseline snapshot of a store whose fixtures (or first organization) are loaded. */
export async function startEmulator(store: RootStore, loaded: LoadedOrg[]): Promise<Emulator> {
  const restoreListeners: (() => Promise<void> | void)[] = [];
  const resetListeners: (() => Promise<void> | void)[] = [];
  const snapshots = new Snapshots(store, async () => {
    for (const listener of restoreListeners) await listener();
  });
  const baseline = await store.saveImage();
  const admins = await EmulatorAdmins.recordAtStart(store);
  const tenants = new Tenants(store);
  return {
    loaded,
    admins,
    snapshots,
    tenants,
    async reset() {
      await snapshots.restoreImage(baseline);
      for (const listener of resetListeners) await listener();
    },
    onRestore: (listener) => void restoreListeners.push(listener),
    onReset: (listener) => void resetListeners.push(listener),
    close: () => tenants.close(),
  };
}

/** Fixtures are loaded only into a throwaway database: a reset deletes everything. */
export function requireMemoryDatabase(databaseUrl: string): void {
  if (databaseUrl !== MEMORY_DATABASE_URL) {
    throw new FixtureError(
      `fixtures are loaded only into an in-memory database (reset deletes everything); add --memory or set DATABASE_URL=${MEMORY_DATABASE_URL}`,
    );
  }
}
