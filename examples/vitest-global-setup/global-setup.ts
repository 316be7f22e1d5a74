/**
 * One emulator for the whole run (vitest `globalSetup`): started before any test file,
 * closed after the last. Test files run in other workers, so they get its URL and admin
 * through `provide` / `inject` and reach it with `connectConfab`.
 */
import { startConfab, type ConfabConnection } from 'confab';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    confab: ConfabConnection;
  }
}

export default async function setup(project: TestProject) {
  const confab = await startConfab();
  project.provide('confab', { url: confab.url, admin: confab.admin });
  return () => confab.close();
}
