/**
 * A PostgreSQL server of one's own: `initdb` into a temporary directory and `pg_ctl` on a
 * free port, from the machine's PostgreSQL binaries, run as the `postgres` OS user when
 * started as root (PostgreSQL refuses to run as root). It can be restarted and killed like
 * a real server in trouble, which the machine's shared PostgreSQL must never be. Used by
 * the soak and by test/services/postgres-restart.test.ts.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const BIN_ROOT = '/usr/lib/postgresql';

/** The newest PostgreSQL installed, e.g. /usr/lib/postgresql/16/bin. */
export function postgresBinDir() {
  const versions = existsSync(BIN_ROOT) ? readdirSync(BIN_ROOT).filter((name) => existsSync(join(BIN_ROOT, name, 'bin', 'initdb'))) : [];
  if (versions.length === 0) throw new Error(`no PostgreSQL binaries under ${BIN_ROOT}: install the postgresql package`);
  versions.sort((a, b) => Number(a) - Number(b));
  return join(BIN_ROOT, versions.at(-1), 'bin');
}

/** Run as root: the `postgres` OS user's ids, for the server's processes and files. */
function postgresUser() {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

function run(command, args, options) {
  return new Promise((resolve, reject) => {
    execFile(command, args, options, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`));
      else resolve(String(stdout));
    });
  });
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startOwnPostgres() {
  const bin = postgresBinDir();
  const user = postgresUser();
  const dir = mkdtempSync(join(tmpdir(), 'confab-own-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  const port = await freePort();
  const options = { ...(user && { uid: user.uid, gid: user.gid }), cwd: dir, env: { PATH: process.env.PATH, LC_ALL: 'C' } };
  const pgCtl = (...args) => run(join(bin, 'pg_ctl'), ['-D', data, ...args], options);

  await run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8'], options);
  // Loopback only, its own socket directory, and small: it shares a busy machine.
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=50 -c shared_buffers=16MB`;
  const start = async () => {
    // After a SIGKILL the old backends need a moment to notice and exit before a new
    // postmaster may take the shared memory: try again until it starts.
    for (let attempt = 1; ; attempt++) {
      try {
        await pgCtl('-o', serverOptions, '-l', log, '-w', '-t', '30', 'start');
        return;
      } catch (error) {
        if (attempt >= 20) throw error;
        await sleep(500);
      }
    }
  };
  const postmasterPid = () => Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dir,
    async restartFast(pauseMs = 1000) {
      await pgCtl('-m', 'fast', '-w', 'stop');
      await sleep(pauseMs);
      await start();
    },
    async killAndRestart(pauseMs = 1000) {
      process.kill(postmasterPid(), 'SIGKILL');
      await sleep(pauseMs);
      await start();
    },
    async destroy() {
      try {
        if (existsSync(join(data, 'postmaster.pid'))) await pgCtl('-m', 'immediate', '-w', 'stop');
      } catch {
        // Already stopped, or killed: then only its backends may be left, and they exit on their own.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
