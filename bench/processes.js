/**
 * The servers under test run as child processes, as they do in production: their CPU,
 * memory and startup are their own, and the load generator (this process) does not share
 * their event loop. On a 2-core machine that gives one core to each side.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * `confab serve` on an existing database; resolves once /health answers 200, with the
 * milliseconds from spawn to that answer.
 */
export function startConfab(databaseUrl, options = {}) {
  return startServe(['--database-url', databaseUrl], options);
}

/** Emulator mode: an in-memory database loaded from a fixtures file. */
export function startEmulator(fixturesFile, options = {}) {
  return startServe(['--memory', '--fixtures', fixturesFile], options);
}

/**
 * `fileLimit` raises the child's open-file limit (`ulimit -n`, up to the hard limit) for
 * servers that must hold thousands of sockets: the shell execs node, so the pid is still
 * the server's own.
 */
async function startServe(args, { nodeFlags = [], env = {}, fileLimit } = {}) {
  const port = await freePort();
  const started = performance.now();
  const command = [process.execPath, ...nodeFlags, 'dist/bundle/cli.js', 'serve', '--port', String(port), ...args];
  const child = spawnWithFileLimit(command, fileLimit, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  const startupMs = await waitForHealth(child, port, started);
  return { child, port, url: `http://127.0.0.1:${port}`, startupMs, stop: () => stop(child) };
}

export function spawnWithFileLimit([file, ...args], fileLimit, options) {
  if (fileLimit === undefined) return spawn(file, args, options);
  return spawn('/bin/sh', ['-c', 'ulimit -n "$0" && exec "$@"', String(fileLimit), file, ...args], options);
}

/** This machine's open-file limits for a process, soft and hard (`ulimit -Sn`, `-Hn`). */
export function fileLimits() {
  const [soft, hard] = execFileSync('/bin/sh', ['-c', 'ulimit -Sn; ulimit -Hn'], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => (line === 'unlimited' ? Infinity : Number(line)));
  return { soft, hard };
}

/** `script`: bench/baseline.js (bare node:http) or bench/fastify-baseline.js (bare Fastify). */
export async function startBaseline(bodyFile, script = 'bench/baseline.js') {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [script, String(port), bodyFile], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await waitForHealth(child, port, started);
  return { child, port, url: `http://127.0.0.1:${port}`, stop: () => stop(child) };
}

/** Resident and peak resident memory of a child, in MB (Linux). */
export function memoryOf(child) {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
}

/**
 * CPU seconds (user + system) a child has used so far (Linux). Per request, this is the
 * figure that holds still when other work shares the machine: throughput falls with the
 * share of a core a server gets, its CPU cost per request does not.
 */
export function cpuSecondsOf(child) {
  const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

const CLOCK_TICKS_PER_SECOND = 100;

async function waitForHealth(child, port, started) {
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    if (exited) throw new Error(`server exited before answering /health:\n${stderr}`);
    if ((await healthStatus(port)) === 200) return performance.now() - started;
    if (performance.now() - started > 30_000) throw new Error(`server did not answer /health in 30 s:\n${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

function healthStatus(port) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/health', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

export function stop(child) {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}
