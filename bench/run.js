/**
 * `npm run bench`: Confab against a bare node:http server on the same machine, in the same
 * run, reported as ratios (README "Benchmark"). Options:
 *   --scale              also grow to 1,000,000 chats and compare chats.get at 1M vs 10k
 *   --out <file>         where to write the JSON (default bench/results.json)
 *   --duration <s>       seconds per measured run (default 5)
 *   --connections <n>    concurrent connections (default 10)
 *   --rounds <n>         baseline/Confab alternations per case (default 2)
 *   --only <key,...>     run only these cases (keys as in the JSON)
 *   --cpu-prof           write a CPU profile of the Confab process to bench/profiles/
 *   --only snapshots     measure only the emulator's snapshot restore (no HTTP cases)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { chatCases } from './cases.js';
import { cpuSecondsOf, memoryOf, startBaseline, startConfab } from './processes.js';
import { printTable, summarize } from './report.js';
import { growChats, seed } from './seed.js';
import { measureSnapshots } from './snapshots.js';

const { values: options } = parseArgs({
  options: {
    scale: { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench/results.json' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '2' },
    only: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const duration = Number(options.duration);
const connections = Number(options.connections);
const rounds = Number(options.rounds);
const USERS = 1_000;
const CHATS = 10_000;
const MESSAGES = 100_000;
const SCALE_CHATS = 1_000_000;
const nodeFlags = options['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', 'bench/profiles'] : [];

const log = (line) => process.stderr.write(`${line}\n`);
const dir = mkdtempSync(join(tmpdir(), 'confab-bench-'));
const databaseUrl = `sqlite:${join(dir, 'bench.db')}`;
const results = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, platform: process.platform },
  settings: { connections, durationSeconds: duration, rounds, users: USERS, chats: CHATS, messages: MESSAGES },
  startup: {},
  cases: [],
};
const running = [];

try {
  let at = performance.now();
  const world = await seed(databaseUrl, { userCount: USERS, chatCount: CHATS, messageCount: MESSAGES });
  log(`seeded ${USERS} users, ${CHATS} chats, ${MESSAGES} messages in ${((performance.now() - at) / 1000).toFixed(1)} s`);
  results.seedSeconds = (performance.now() - at) / 1000;

  results.snapshots = await measureSnapshots(databaseUrl);
  const { restoreMs, saveMs, imageBytes } = results.snapshots;
  log(`snapshots of ${(imageBytes / 1e6).toFixed(1)} MB: restore median ${restoreMs.toFixed(1)} ms (bar: 20 ms), save ${saveMs.toFixed(1)} ms`);
  if (options.only === 'snapshots') {
    writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }

  results.startup = await measureStartup(databaseUrl);
  log(`startup on an existing database: median ${results.startup.medianMs.toFixed(0)} ms`);

  const confab = await startConfab(databaseUrl, { nodeFlags });
  running.push(confab);
  const sample = await sampleChat(confab, world);
  const bodyFile = join(dir, 'chat.json');
  writeFileSync(bodyFile, sample);
  results.baselineBodyBytes = sample.length;
  const baseline = await startBaseline(bodyFile);
  running.push(baseline);

  const cases = chatCases(world).filter((c) => !options.only || options.only.split(',').includes(c.key));
  for (const testCase of cases) results.cases.push(await compare(testCase, baseline, confab));
  results.confabMemory = memoryOf(confab.child);

  if (options.scale) results.scale = await scale(world, baseline, confab);
  printTable(results);
  writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${options.out}`);
} finally {
  for (const server of running) await server.stop();
  rmSync(dir, { recursive: true, force: true });
}

/** Alternates baseline and Confab runs of the same requests; a short warm-up each first. */
async function compare(testCase, baseline, confab) {
  log(`${testCase.name}…`);
  await drive(baseline, testCase, 1);
  await drive(confab, testCase, 1);
  const runs = { baseline: [], confab: [] };
  for (let round = 0; round < rounds; round++) {
    runs.baseline.push(await drive(baseline, testCase, duration));
    runs.confab.push(await drive(confab, testCase, duration));
  }
  return summarize(testCase, runs);
}

async function drive(server, testCase, seconds) {
  const cpuBefore = cpuSecondsOf(server.child);
  const result = await autocannon({
    url: server.url,
    connections,
    duration: seconds,
    requests: [{ setupRequest: (request) => Object.assign(request, testCase.request()) }],
  });
  result.serverCpuSeconds = cpuSecondsOf(server.child) - cpuBefore;
  return result;
}

async function measureStartup(url, times = 3) {
  const samples = [];
  for (let i = 0; i < times; i++) {
    const server = await startConfab(url);
    samples.push(server.startupMs);
    await server.stop();
  }
  const sorted = [...samples].sort((a, b) => a - b);
  return { samplesMs: samples, medianMs: sorted[Math.floor(sorted.length / 2)] };
}

/** A real chats.get response: the baseline answers with a body of exactly this size. */
async function sampleChat(confab, world) {
  const request = chatCases(world)[0].request();
  const response = await fetch(confab.url + request.path, { headers: request.headers });
  if (response.status !== 200) throw new Error(`chats.get answered ${response.status}: ${await response.text()}`);
  return Buffer.from(await response.arrayBuffer());
}

/** 1M chats: chats.get by id against the same baseline, and the server's memory. */
async function scale(world, baseline, confab) {
  const getCase = chatCases(world)[0];
  const at10k = results.cases.find((c) => c.key === getCase.key) ?? (await compare(getCase, baseline, confab));
  await confab.stop();
  running.splice(running.indexOf(confab), 1);
  let at = performance.now();
  await growChats(world, SCALE_CHATS);
  const seedSeconds = (performance.now() - at) / 1000;
  log(`grew to ${SCALE_CHATS} chats in ${seedSeconds.toFixed(1)} s`);
  const big = await startConfab(databaseUrl, { nodeFlags });
  running.push(big);
  const at1m = await compare(getCase, baseline, big);
  return {
    chats: SCALE_CHATS,
    seedSeconds,
    startupMs: big.startupMs,
    chatsGet10k: at10k,
    chatsGet1M: at1m,
    throughput1Mvs10k: at1m.confab.requestsPerSecond / at10k.confab.requestsPerSecond,
    ratio1Mvs10k: at1m.ratio / at10k.ratio,
    memory: memoryOf(big.child),
  };
}
