/**
 * Emulator mode: an in-memory database loaded from a fixtures file, which `reset()` puts
 * back exactly as it was at start (same ids, same tokens) between a client's tests.
 */
import type { RootStore } from '../store/index.js';
import { FixtureError, type Fixtures } from './fixtures.js';
import { loadFixtures, type LoadedOrg, type Progress } from './load.js';

export { FixtureError, parseFixtures, readFixtures, type Fixtures } from './fixtures.js';
export type { LoadedOrg, Progress } from './load.js';

export const MEMORY_DATABASE_URL = 'sqlite::memory:';

export interface Emulator {
  loaded: LoadedOrg[];
  /** Empties the database and loads the fixtures again. */
  reset(): Promise<void>;
}

export async function startEmulator(store: RootStore, fixtures: Fixtures, onProgress?: Progress): Promise<Emulator> {
  const emulator: Emulator = {
    loaded: await loadFixtures(store, fixtures, onProgress),
    async reset() {
      await store.wipe();
      emulator.loaded = await loadFixtures(store, fixtures);
    },
  };
  return emulator;
}

/** Fixtures are loaded only into a throwaway database: a reset deletes everything. */
export function requireMemoryDatabase(databaseUrl: string): void {
  if (databaseUrl !== MEMORY_DATABASE_URL) {
    throw new FixtureError(
      `fixtures are loaded only into an in-memory database (reset deletes everything); add --memory or set DATABASE_URL=${MEMORY_DATABASE_URL}`,
    );
  }
}
