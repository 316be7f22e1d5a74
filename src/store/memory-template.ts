/**
 * A migrated, empty database as an image, written by `npm run build`: an in-memory database
 * (the emulator, `startConfab()`) starts from a copy of it instead of running every
 * migration, which was ~25 ms of a cold start. Migrations still run after it, so a template
 * older than the code only leaves them more to do, and without one they all run.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** dist/ sits two levels above src/store, dist/store and dist/bundle alike. */
export const MEMORY_TEMPLATE_PATH = fileURLToPath(new URL('../../dist/memory-template.sqlite', import.meta.url));

export function readMemoryTemplate(): Buffer | undefined {
  try {
    return readFileSync(MEMORY_TEMPLATE_PATH);
  } catch {
    return undefined;
  }
}

/** Migrates a fresh in-memory database and keeps its image as the template. */
export async function writeMemoryTemplate(): Promise<void> {
  // Loaded here, not at the top: the store opens in-memory databases from the template.
  const { openStore } = await import('./open.js');
  rmSync(MEMORY_TEMPLATE_PATH, { force: true });
  const store = await openStore('sqlite::memory:');
  try {
    await store.migrate();
    writeFileSync(MEMORY_TEMPLATE_PATH, await store.saveImage());
  } finally {
    await store.close();
  }
}
