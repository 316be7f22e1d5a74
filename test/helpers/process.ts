/**
 * `confab serve` as a real child process (the built dist/, as users run it), for tests
 * that signal or kill the server.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** The admin token printed on the first start of a fresh database. */
  firstRunToken?: string;
  output(): string;
  exited: Promise<number | null>;
}

export async function spawnServer(databaseUrl: string, env: Record<string, string> = {}, firstRun = false): Promise<ServerProcess> {
  const child = spawn(process.execPath, [MAIN, 'serve', '--port', '0'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      // On a fresh database the admin token is announced after the listening line.
      if (match && (!firstRun || /cfb_[A-Za-z0-9_-]+/.test(output))) {
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
    firstRunToken: /cfb_[A-Za-z0-9_-]+/.exec(output)?.[0],
    output: () => output,
    exited,
  };
}

/** Runs a `confab` command against a database and returns its parsed --json output. */
export async function confab(databaseUrl: string, args: string[]): Promise<any> {
  const { stdout } = await promisify(execFile)(process.execPath, [MAIN, ...args, '--json'], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });
  return JSON.parse(stdout);
}
