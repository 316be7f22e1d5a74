/**
 * One emulator for the whole run (Jest `globalSetup`). Test files run in workers started
 * after this, so the URL and admin go to them through the environment; the emulator
 * itself is kept on `globalThis` for `globalTeardown`, which runs in this same process.
 */
import { startConfab } from 'confab';

export default async function globalSetup() {
  // In a child process: the emulator's work stays off the runner's event loop.
  const confab = await startConfab({ childProcess: true });
  globalThis.__CONFAB__ = confab;
  process.env.CONFAB = JSON.stringify({ url: confab.url, admin: confab.admin });
}
