/**
 * The emulator as test code starts it: `startConfab()` in a fresh process, timed from the
 * call (its server modules load then, as in a test runner's global setup) until it
^ * resolves, median of `times`; and on each, `confab.orgs.create` of an empty organization
 * (a tenant per test), timed at the client, median over the runs after a warm-up.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const SELF = fileURLToPath(import.meta.url);
const WARM_UP = 5;
const ORGS = 50;

export async function measureStartConfab(times = 3) {
  const runs = [];
  for (let i = 0; i < times; i++) {
    const { stdout } = await promisify(execFile)(process.execPath, [SELF]);
    runs.push(JSON.parse(stdout));
  }
  return {
    readyMs: median(runs.map((run) => run.readyMs)),
    readyRunsMs: runs.map((run) => run.readyMs),
    orgsCreateMs: median(runs.flatMap((run) => run.orgsCreateMs)),
    orgsCreateP90Ms: percentile(runs.flatMap((run) => run.orgsCreateMs), 0.9),
  };
}

async function measureHere() {
  const at = performance.now();
  const { startConfab } = await import('confab');
  const confab = await startConfab();
  const readyMs = performance.now() - at;
  try {
    const orgsCreateMs = [];
    for (let i = 0; i < WARM_UP + ORGS; i++) {
      const started = performance.now();
      await confab.orgs.create();
      if (i >= WARM_UP) orgsCreateMs.push(performance.now() - started);
    }
    return { readyMs, orgsCreateMs };
  } finally {
    await confab.close();
  }
}

function median(samples) {
  return percentile(samples, 0.5);
}

function percentile(samples, fraction) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

if (process.argv[1] === SELF) process.stdout.write(`${JSON.stringify(await measureHere())}\n`);
