/**
 * `npm start` and `npm test` build only when something changed since the last build
 * (scripts/build-freshness.js). Run on a small stand-in checkout whose `npm run build`
 * is a stand-in too: it runs the real begin and end steps and notes that it ran.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const execFileAsync = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../scripts/build-freshness.js', import.meta.url));

/** What `npm run build` does here: the real first and last steps around a stand-in build. */
const STAND_IN_NPM = `
import { appendFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
execFileSync(process.execPath, ['scripts/build-freshness.js', 'begin']);
writeFileSync('dist/bundle/cli.js', process.env.BIN_TEXT ?? '#!/usr/bin/env node\\nconsole.log("confab");\\n');
appendFileSync('builds.log', process.argv.slice(2).join(' ') + '\\n');
execFileSync(process.execPath, ['scripts/build-freshness.js', 'end'], { stdio: 'inherit' });
`;

let checkout: string;

beforeEach(() => {
  checkout = mkdtempSync(join(tmpdir(), 'confab-freshness-'));
  for (const dir of ['scripts', 'src', 'dist/bundle']) mkdirSync(join(checkout, dir), { recursive: true });
  copyFileSync(SCRIPT, join(checkout, 'scripts/build-freshness.js'));
  writeFileSync(join(checkout, 'stand-in-npm.js'), STAND_IN_NPM);
  writeFileSync(join(checkout, 'src/main.ts'), 'export {};\n');
});

afterEach(() => rmSync(checkout, { recursive: true, force: true }));

async function step(mode: 'begin' | 'end' | 'ensure', env: Record<string, string> = {}) {
  return execFileAsync(process.execPath, [join(checkout, 'scripts/build-freshness.js'), mode], {
    cwd: checkout,
    env: { ...process.env, npm_execpath: join(checkout, 'stand-in-npm.js'), ...env },
  });
}

function builds(): number {
  const log = join(checkout, 'builds.log');
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((line) => line === 'run build').length : 0;
}

describe('building only when something changed', () => {
  it('builds a checkout never built, leaving the bin executable, and not again while nothing changes', async () => {
    await step('ensure');
    expect(builds()).toBe(1);
    expect(statSync(join(checkout, 'dist/bundle/cli.js')).mode & 0o111).toBe(0o111);
    await step('ensure');
    await step('ensure');
    expect(builds()).toBe(1);
  });

  it('builds again once a source changed', async () => {
    await step('ensure');
    writeFileSync(join(checkout, 'src/main.ts'), 'export const changed = true;\n');
    await step('ensure');
    expect(builds()).toBe(2);
  });

  it('builds again when a source was saved while the last build ran', async () => {
    await step('begin');
    writeFileSync(join(checkout, 'src/main.ts'), 'export const duringTheBuild = true;\n');
    writeFileSync(join(checkout, 'dist/bundle/cli.js'), '#!/usr/bin/env node\n');
    await step('end');
    await step('ensure');
    expect(builds()).toBe(1);
  });

  it('builds again after a build that stopped halfway', async () => {
    await step('ensure');
    await step('begin');
    await step('ensure');
    expect(builds()).toBe(2);
  });

  it('fails a build whose bin has no shebang, and leaves no stamp', async () => {
    await expect(step('ensure', { BIN_TEXT: 'console.log("confab");\n' })).rejects.toThrow(/does not start with "#!\/usr\/bin\/env node"/);
    expect(existsSync(join(checkout, 'dist/.build-stamp'))).toBe(false);
  });
});
