/**
 * Emulator snapshots: restoring a whole in-memory database (10,000 chats and 100,000
 * messages in the default run) must take at most 20 ms. The seeded file database is
 * copied into an in-memory store, saved once, then restored `times` times.
 *
 * How fast a restore is depends on glibc's malloc settings, which a process reads only
 * when it starts (README "Snapshots"), so each setting is measured in a child process of
 * its own: `tuned` as `startConfab()` runs the emulator, `glibcDefaults` as a plain
 * `confab serve --memory` does.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { openStore } from '../dist/store/open.js';
import { FAST_SNAPSHOT_MALLOC } from '../dist/testing/start.js';

const SELF = fileURLToPath(import.meta.url);

export async function measureSnapshots(databaseUrl) {
  const withoutTuning = Object.fromEntries(Object.entries(process.env).filter(([name]) => !(name in FAST_SNAPSHOT_MALLOC)));
  const tuned = await measureInChild(databaseUrl, { ...withoutTuning, ...FAST_SNAPSHOT_MALLOC });
  const glibcDefaults = await measureInChild(databaseUrl, withoutTuning);
  return { ...tuned, glibcDefaults };
}

async function measureInChild(databaseUrl, env) {
  const { stdout } = await promisify(execFile)(process.execPath, [SELF, databaseUrl], { env });
  return JSON.parse(stdout);
}

async function measureHere(databaseUrl, times = 20) {
  const file = new BetterSqlite3(databaseUrl.slice('sqlite:'.length));
  // A WAL file's header says WAL, which an in-memory copy cannot use.
  file.pragma('journal_mode = DELETE');
  const seeded = file.serialize();
  file.close();
  const store = await openStore('sqlite::memory:');
  try {
    await store.restoreImage(seeded);
    const saveMs = [];
    let image;
    for (let i = 0; i < 5; i++) {
      const at = performance.now();
      image = await store.saveImage();
      saveMs.push(performance.now() - at);
    }
    const restoreMs = [];
    for (let i = 0; i < times; i++) {
      const at = performance.now();
      await store.restoreImage(image);
      restoreMs.push(performance.now() - at);
    }
    // The restored database answers: the swap is real, not a no-op.
    if ((await store.orgs.list()).length === 0) throw new Error('the restored database is empty');
    return { imageBytes: image.length, saveMs: median(saveMs), restoreMs: median(restoreMs), restoreMaxMs: Math.max(...restoreMs) };
  } finally {
    await store.close();
  }
}

function median(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

if (process.argv[1] === SELF) process.stdout.write(`${JSON.stringify(await measureHere(process.argv[2]))}\n`);
