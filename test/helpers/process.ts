/** Running the real `confab` binary (the build in dist/, made by `npm test`'s pretest). */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const CONFAB_BIN = fileURLToPath(new URL('../../dist/bundle/cli.js', import.meta.url));

const execFileAsync = promisify(execFile);

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function confab(args: string[], env: Record<string, string> = {}): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [CONFAB_BIN, ...args], {
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Where a spawned server writes the first start's admin token (ADMIN_TOKEN_FILE): a fresh
 * path per process, so that servers started at once never share one, nor the checkout's.
 */
function freshAdminTokenFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'confab-admin-token-')), 'admin-token');
}

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  /** Where the first start's admin token is written (its stdout is not a terminal). */
  adminTokenFile: string;
  /** Everything the process printed on stdout so far. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `confab serve` and resolves once /health answers 200. */
export async function serve(databaseUrl: string, env: Record<string, string> = {}): Promise<ServeProcess> {
  const port = await freePort();
  const adminTokenFile = env.ADMIN_TOKEN_FILE ?? freshAdminTokenFile();
  const child = spawn(process.execPath, [CONFAB_BIN, 'serve', '--port', String(port)], {
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', ADMIN_TOKEN_FILE: adminTokenFile, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  // Generous: several processes starting at once on a busy two-core machine take a while.
  const deadline = Date.now() + 40_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`confab serve exited with ${child.exitCode}: ${stderr}`);
    try {
      if ((await fetch(`${url}/health`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`confab serve did not become healthy: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    child,
    url,
    adminTokenFile,
    output: () => stdout,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** The admin token of the first start of a fresh database, read from the file it was written to. */
  firstRunToken?: string;
  output(): string;
  exited: Promise<number | null>;
}

/** Starts `confab serve --port 0` and resolves with the URL it announces (for signal and crash tests). */
export async function spawnServer(databaseUrl: string, env: Record<string, string> = {}, firstRun = false): Promise<ServerProcess> {
  const adminTokenFile = freshAdminTokenFile();
  const child = spawn(process.execPath, [CONFAB_BIN, 'serve', '--port', '0'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'info', ADMIN_TOKEN_FILE: adminTokenFile, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      // On a fresh database the admin token's file is named after the listening line.
      if (match && (!firstRun || output.includes(adminTokenFile))) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  return {
    child,
    url,
    ...(firstRun && { firstRunToken: readFileSync(adminTokenFile, 'utf8').trim() }),
    output: () => output,
    exited,
  };
}

/** Runs a `confab` command against a database and returns its parsed --json output. */
export async function confabJson(databaseUrl: string, args: string[]): Promise<any> {
  const { stdout } = await execFileAsync(process.execPath, [CONFAB_BIN, ...args, '--json'], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });
  return JSON.parse(stdout);
}
