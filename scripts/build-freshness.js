// Whether dist/ was built from the sources as they are, so that `npm start` and `npm test`
// build only when something changed (a full build takes 20 s and more; starting, well
// under a second).
//
//   node scripts/build-freshness.js begin    first step of `npm run build`
//   node scripts/build-freshness.js end      last step: the bin made runnable, the stamp written
//   node scripts/build-freshness.js ensure   `npm run build` unless the stamp is newer than every input
//
// The stamp records when the build began, not when it ended: a source saved while the
// build ran may have been read before the save, so it counts as newer than the build.
// `begin` removes the stamp, so a build that fails halfway leaves none and the next
// `ensure` builds again.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Paths are the checkout's, wherever this is run from.
process.chdir(fileURLToPath(new URL('..', import.meta.url)));

const STAMP = 'dist/.build-stamp';
/**
 * File times come from the kernel's coarse clock, which can trail Date.now() by a tick (up
 * to 10 ms): a file saved just after the build began may look a few ms older than it.
 */
const CLOCK_SLACK_MS = 20;
const STARTED = 'dist/.build-started';
const BIN = 'dist/bundle/cli.js';

/**
 * What a build reads besides node_modules' packages: the sources, the build's own
 * configuration, and the installed dependencies (npm rewrites node_modules/.package-lock.json
 * on every install that changes them; the bundle includes several).
 */
const INPUTS = [
  'src',
  'web',
  'scripts',
  'package.json',
  'package-lock.json',
  'node_modules/.package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'bundle.config.js',
];

/** The newest modification time under `path` (ms), skipping installed packages. */
function newestChange(path) {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    newest = Math.max(newest, newestChange(join(path, entry.name)));
  }
  return newest;
}

function begin() {
  rmSync(STAMP, { force: true });
  mkdirSync('dist', { recursive: true });
  writeFileSync(STARTED, JSON.stringify({ startedAt: Date.now() }));
}

function end() {
  // npm links the bin to this file and runs it directly: without the shebang the shell
  // would read JavaScript, without the execute bit `npx confab` says "Permission denied".
  if (!readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node\n')) {
    throw new Error(`${BIN} does not start with "#!/usr/bin/env node": the bin could not be run`);
  }
  chmodSync(BIN, 0o755);
  renameSync(STARTED, STAMP);
}

/** Why dist/ needs building, or undefined when it was built from the inputs as they are. */
function staleness() {
  if (!existsSync(STAMP) || !existsSync(BIN)) return 'no finished build in dist/';
  const { startedAt } = JSON.parse(readFileSync(STAMP, 'utf8'));
  const changed = INPUTS.find((input) => newestChange(input) >= startedAt - CLOCK_SLACK_MS);
  return changed && `${changed} changed since the last build`;
}

function ensure() {
  const reason = staleness();
  if (!reason) return;
  process.stderr.write(`building: ${reason}\n`);
  // Under npm, the npm that runs this script; otherwise the one on the PATH.
  const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
  const build = spawnSync(npm[0], [...npm.slice(1), 'run', 'build'], { stdio: 'inherit' });
  process.exitCode = build.status ?? 1;
}

const modes = { begin, end, ensure };
const mode = modes[process.argv[2]];
if (!mode) {
  process.stderr.write(`usage: node scripts/build-freshness.js ${Object.keys(modes).join('|')}\n`);
  process.exit(2);
}
mode();
