/**
 * A `confab serve` process on a port that stays the same across restarts, as a person's
 * browser sees a server: stop it, start it again, and the same URL answers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFAB_BIN, confab, freePort } from './process.js';

export interface ConfabProcess {
  url: string;
  database: string;
  /** The first start's admin token, from the file it was written to (stdout is not a terminal here). */
  adminToken: string;
  /** Where the first start wrote it (ADMIN_TOKEN_FILE). */
  adminTokenFile: string;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
  start(): Promise<void>;
  /** Runs a `confab` command on the same database (the server may be running). */
  cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  dispose(): Promise<void>;
}

export async function startConfab(options: { env?: Record<string, string>; args?: string[] } = {}): Promise<ConfabProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'confab-console-'));
  const database = options.args?.includes('--memory') ? 'sqlite::memory:' : `sqlite:${join(dir, 'confab.db')}`;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const adminTokenFile = join(dir, 'admin-token');
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let output = '';

  async function start(): Promise<void> {
    child = spawn(process.execPath, [CONFAB_BIN, 'serve', '--port', String(port), ...(options.args ?? [])], {
      env: { ...process.env, DATABASE_URL: database, LOG_LEVEL: 'warn', EVENT_POLL_MS: '50', ADMIN_TOKEN_FILE: adminTokenFile, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const started = child;
    exited = new Promise((resolve) => started.once('exit', () => resolve()));
    started.stdout!.on('data', (chunk) => (output += chunk));
    started.stderr!.on('data', (chunk) => (output += chunk));
    const deadline = Date.now() + 40_000;
    for (;;) {
      if (started.exitCode !== null) throw new Error(`confab serve exited with ${started.exitCode}:\n${output}`);
      try {
        if ((await fetch(`${url}/health`)).status === 200) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        started.kill('SIGKILL');
        throw new Error(`confab serve did not become healthy:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async function stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  }

  await start();
  const adminToken = await firstStartToken(adminTokenFile, () => output, !options.args?.includes('--fixtures'));
  return {
    url,
    database,
    adminToken,
    adminTokenFile,
    output: () => output,
    stop,
    start,
    cli: (args) => confab(args, { DATABASE_URL: database }),
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The token a first start writes once it listens (so just after /health first answers); a
 * server started from fixtures makes no first-start admin and writes none.
 */
async function firstStartToken(file: string, output: () => string, expected: boolean): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (expected && !output().includes(file)) {
    if (Date.now() > deadline) throw new Error(`confab serve did not say where its first token is:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
}
