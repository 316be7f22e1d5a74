/**
 * The runner recipes in examples/ — vitest globalSetup, Jest globalSetup, node:test —
 * each run by its own runner in a child process, importing the built package as a user's
 * project would (`import { startConfab } from 'confab'`).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

// Each starts a runner and an emulator; a loaded machine makes that slow, not wrong.
const RUNNER_TIMEOUT_MS = 120_000;

describe('runner examples', () => {
  it('vitest globalSetup: one emulator, a tenant per test file, journal assertions', { timeout: RUNNER_TIMEOUT_MS }, async () => {
    const { code, output } = await run(['node_modules/vitest/vitest.mjs', 'run', '--config', 'examples/vitest-global-setup/vitest.config.ts']);
    expect(output).toMatch(/Tests\s+.*2 passed/);
    expect(code).toBe(0);
  });

  it('Jest globalSetup: the emulator in a child process, reached from the workers', { timeout: RUNNER_TIMEOUT_MS }, async () => {
    const { code, output } = await run(['node_modules/jest/bin/jest.js', '--config', 'examples/jest-global-setup/jest.config.mjs'], {
      NODE_OPTIONS: '--experimental-vm-modules',
    });
    expect(output).toMatch(/Tests:\s+2 passed, 2 total/);
    expect(code).toBe(0);
  });

  it('node:test: started in before(), reset before each test, snapshots', { timeout: RUNNER_TIMEOUT_MS }, async () => {
    const { code, output } = await run(['--test', 'examples/node-test/escalation.test.mjs']);
    expect(output).toMatch(/# pass 3/);
    expect(output).toMatch(/# fail 0/);
    expect(code).toBe(0);
  });
});
