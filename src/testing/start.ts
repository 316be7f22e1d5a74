/**
 * `startConfab()`: an emulator for a test suite, started from test code. An in-memory
 * database on a free port, loaded from fixtures if given, with an admin of its own
 * organization; in this process (the default: fastest) or in a child process
 * (`childProcess: true`: the server's work stays off the tests' event loop, and a crash
 * in one cannot take down the other).
 *
 *   const confab = await startConfab({ fixtures: './fixtures.json' });
 *   // … point the code under test at confab.url …
 *   await confab.requests.one({ operation: 'chats.create' });
 *   await confab.close();
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ConfabClient } from '../client/index.js';
import { RequestJournal } from '../client/requests.js';
import type { Fixtures, TenantFixtures } from '../schema/fixtures.js';

export interface StartConfabOptions {
  /** A fixtures file's path, or its contents (README "Developer tools" → "Emulator mode"). */
  fixtures?: string | Fixtures;
  /** Run the server in a child process rather than in this one (default false). */
  childProcess?: boolean;
  /** Default 0: a free port. */
  port?: number;
  /** The server's log level (default 'warn'). */
  logLevel?: string;
}

export interface ConfabUser {
  id: string;
  display_id: string;
}

export interface ConfabTenant {
  org: { id: string; slug: string; name: string; created_date: string };
  admin: { user: ConfabUser; token: string };
  /** A typed client with the tenant admin's token. */
  client: ConfabClient;
  /** The tenant's request journal. */
  requests: RequestJournal;
}

/** What test files need to reach an emulator another process started (a runner's global setup). */
export interface ConfabConnection {
  url: string;
  admin: { token: string; user: ConfabUser };
}

/** Everything `startConfab` gives but `close()`, for an emulator started elsewhere. */
export type ConnectedConfab = Omit<Confab, 'close'>;

export interface Confab {
  url: string;
  /** An admin of the emulator's own organization (not one of the fixtures'). */
  admin: { token: string; user: ConfabUser };
  /** A typed client; with the admin's token unless given another. */
  client(token?: string): ConfabClient;
  orgs: { create(fixtures?: TenantFixtures): Promise<ConfabTenant> };
  /** Puts back the state after fixtures, and empties the journal. */
  reset(): Promise<void>;
  snapshot(name: string): Promise<void>;
  restore(name: string): Promise<void>;
  /** The request journal of the admin's organization. */
  requests: RequestJournal;
  close(): Promise<void>;
}

/** What a started server (in this process or a child) tells the harness. */
export interface StartedEmulator {
  url: string;
  admin: { token: string; user: ConfabUser };
  close(): Promise<void>;
}

export async function startConfab(options: StartConfabOptions = {}): Promise<Confab> {
  const started = options.childProcess ? await startChild(options) : await startHere(options);
  return { ...connectConfab(started), close: () => started.close() };
}

/**
 * Reaches an emulator started elsewhere — in a test runner's global setup, whose test
 * files run in other processes — from its URL and admin (`confab.url`, `confab.admin`).
 */
export function connectConfab(started: ConfabConnection): ConnectedConfab {
  const client = (token = started.admin.token) => new ConfabClient({ baseUrl: started.url, token });
  const admin = client();
  return {
    url: started.url,
    admin: started.admin,
    client,
    orgs: {
      async create(fixtures) {
        const created = await admin.call<Omit<ConfabTenant, 'client' | 'requests'>>('confab.orgs.create', fixtures ? { fixtures } : {});
        const tenantClient = client(created.admin.token);
        return { ...created, client: tenantClient, requests: tenantClient.requests() };
      },
    },
    async reset() {
      await admin.call('confab.reset', {});
    },
    async snapshot(name) {
      await admin.call('confab.snapshots.save', { name });
    },
    async restore(name) {
      await admin.call('confab.snapshots.restore', { name });
    },
    requests: admin.requests(),
  };
}

/** In this process: the server's modules load only now, so the client alone stays light. */
export async function startHere(options: StartConfabOptions): Promise<StartedEmulator> {
  const [{ startServer }, { readFixtures, parseFixtures }, { pino }, { formatDisplayId, formatDon }, { DEFAULT_OVERLOAD }] = await Promise.all([
    import('../server.js'),
    import('../emulator/index.js'),
    import('pino'),
    import('../domain/ids.js'),
    import('../http/overload.js'),
  ]);
  const fixtures =
    options.fixtures === undefined ? undefined : typeof options.fixtures === 'string' ? await readFixtures(options.fixtures) : parseFixtures(options.fixtures);
  const logLevel = options.logLevel ?? 'warn';
  const server = await startServer(
    { port: options.port ?? 0, host: '127.0.0.1', databaseUrl: 'sqlite::memory:', logLevel },
    pino({ level: logLevel }),
    // No load shedding: a test emulator shares a busy CI machine (or the tests' own event
    // loop), whose lag says nothing about it, and a 503 would only make the tests flaky.
    { fixtures, adminOrg: true, overload: { ...DEFAULT_OVERLOAD, maxEventLoopDelayMs: 0, maxHeapFraction: 1 } },
  );
  const { org, user, token } = server.firstRun!;
  return {
    url: server.url,
    admin: { token, user: { id: formatDon(user.type, org.slug, user.number), display_id: formatDisplayId(user.type, user.number) } },
    async close() {
      await server.close();
    },
  };
}

const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));

/**
 * glibc serves an allocation over 32 MiB by mapping fresh pages, which the kernel faults in
 * one by one: restoring a 37.5 MB snapshot takes about 19 ms that way on an idle machine
 * (far more on a busy one), and 4 ms with allocations kept in the heap and reused (README
 * "Snapshots"). Read by glibc at process start only, so it is set for the child; elsewhere
 * it is ignored.
 */
export const FAST_SNAPSHOT_MALLOC = { MALLOC_MMAP_THRESHOLD_: String(256 * 2 ** 20), MALLOC_TRIM_THRESHOLD_: String(512 * 2 ** 20) };

/** In a child process: it prints one JSON line when ready and stops on SIGTERM. */
function startChild(options: StartConfabOptions): Promise<StartedEmulator> {
  const child = spawn(process.execPath, [CHILD, JSON.stringify({ ...options, childProcess: false })], {
    // stdin stays open while this process lives: the child stops when it closes.
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...FAST_SNAPSHOT_MALLOC, ...process.env },
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk;
      const end = buffer.indexOf('\n');
      if (end < 0) return;
      child.stdout.off('data', onData);
      const line = JSON.parse(buffer.slice(0, end)) as { url?: string; admin?: StartedEmulator['admin']; error?: string };
      if (line.error !== undefined || !line.url || !line.admin) {
        reject(new Error(`confab did not start: ${line.error ?? buffer}`));
        return;
      }
      resolve({
        url: line.url,
        admin: line.admin,
        async close() {
          if (child.exitCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    };
    child.stdout.on('data', onData);
    void exited.then((code) => reject(new Error(`confab exited with ${code} before it was ready`)));
  });
}
