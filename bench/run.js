/**
 * `npm run bench`: Confab against a bare node:http server on the same machine, in the same
 * run, reported as ratios, each speed target as a PASS/MISS line (README "Benchmark").
 * Options:
 *   --database <url>      `sqlite` (a fresh file; the default) or postgres://… (a fresh
 *                         schema, dropped at the end); give it twice to run both
 *   --scale               also grow to 1,000,000 chats and compare chats.get at 1M vs 10k (SQLite)
 *   --out <file>          where to write the JSON (default bench/results.json); the chart
 *                         goes beside it (.svg)
 *   --duration <s>        seconds per measured run (default 5)
 *   --connections <n>     concurrent connections (default 10)
 *   --rounds <n>          baseline/Confab alternations per case (default 2)
 *   --fanout <n>          event streams on one process in the fan-out case (default 10000)
 *   --streams <n>         event streams on process B in the two-process case (default 100)
 *   --stream-rate <n>     messages a second posted in the stream cases (default 20)
 *   --stream-seconds <s>  how long they are posted (default 10)
 *   --only <key,...>      run only these: HTTP case keys (as in the JSON), `pipeline` (SQLite), `startup`, `start_confab`,
 *                         `snapshots`, `two_process`, `fanout`
 *   --cpu-prof            write a CPU profile of the Confab process to bench/profiles/
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { chatCases } from './cases.js';
import { drawChart } from './chart.js';
import { cpuSecondsOf, memoryOf, startBaseline, startConfab, startEmulator } from './processes.js';
import { pipelineBreakdown } from './pipeline.js';
import { fanOutCase, twoProcessCase } from './realtime.js';
import { printTable, summarize } from './report.js';
import { seed, seedDmPairs } from './seed.js';
import { measureSnapshots } from './snapshots.js';
import { measureStartConfab } from './start-confab.js';
import { evaluateTargets } from './targets.js';

const { values: options } = parseArgs({
  options: {
    database: { type: 'string', multiple: true, default: ['sqlite'] },
    scale: { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench/results.json' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '2' },
    fanout: { type: 'string', default: '10000' },
    streams: { type: 'string', default: '100' },
    'stream-rate': { type: 'string', default: '20' },
    'stream-seconds': { type: 'string', default: '10' },
    only: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const duration = Number(options.duration);
const connections = Number(options.connections);
const rounds = Number(options.rounds);
const stream = {
  fanout: Number(options.fanout),
  streams: Number(options.streams),
  rate: Number(options['stream-rate']),
  seconds: Number(options['stream-seconds']),
};
const USERS = 1_000;
const CHATS = 10_000;
const MESSAGES = 100_000;
const SCALE_CHATS = 1_000_000;
const EMULATOR_FIXTURES = 'examples/emulator/fixtures.json';
const nodeFlags = options['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', 'bench/profiles'] : [];
const only = options.only?.split(',');
const selected = (key) => !only || only.includes(key);
const KEYS = [...chatCases({ users: [] }).map((c) => c.key), 'pipeline', 'startup', 'start_confab', 'snapshots', 'two_process', 'fanout'];
const chartFile = options.out.replace(/\.json$/, '') + '.svg';

for (const key of only ?? []) if (!KEYS.includes(key)) throw new Error(`--only ${key}: use any of ${KEYS.join(', ')}`);
for (const url of options.database) {
  if (url !== 'sqlite' && !/^postgres(ql)?:\/\//.test(url)) throw new Error(`--database ${url}: use sqlite or a postgres:// URL`);
}

const log = (line) => process.stderr.write(`${line}\n`);
const results = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, platform: process.platform },
  settings: { connections, durationSeconds: duration, rounds, users: USERS, chats: CHATS, messages: MESSAGES, ...stream, only: only ?? null },
  emulator: {},
  databases: [],
};

if (selected('startup')) {
  results.emulator.startup = await measureStartup(() => startEmulator(EMULATOR_FIXTURES));
  results.emulator.fixtures = EMULATOR_FIXTURES;
  log(`startup in emulator mode: median ${results.emulator.startup.medianMs.toFixed(0)} ms`);
}
if (selected('start_confab')) {
  results.emulator.startConfab = await measureStartConfab();
  const { readyMs, orgsCreateMs } = results.emulator.startConfab;
  log(`startConfab() in-process: ready in ${readyMs.toFixed(0)} ms (median), confab.orgs.create ${orgsCreateMs.toFixed(1)} ms (median)`);
}
for (const url of options.database) results.databases.push(await benchDatabase(url));

results.targets = evaluateTargets(results);
printTable(results);
writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(chartFile, drawChart(results));
log(`wrote ${options.out} and ${chartFile}`);

/** Every case selected, on one database, seeded afresh; the database is gone afterwards. */
async function benchDatabase(spec) {
  const database = await freshDatabase(spec);
  const section = { database: database.kind, cases: [] };
  const running = [];
  log(`— ${database.kind} —`);
  try {
    const cases = chatCases({ users: [] }).filter((c) => selected(c.key));
    const needsSeed = cases.length > 0 || selected('pipeline') || selected('startup') || (selected('snapshots') && database.kind === 'sqlite') || options.scale;
    if (needsSeed) {
      const at = performance.now();
      const world = await seed(database.url, { userCount: USERS, chatCount: CHATS, messageCount: MESSAGES });
      section.seedSeconds = (performance.now() - at) / 1000;
      log(`seeded ${USERS} users, ${CHATS} chats, ${MESSAGES} messages in ${section.seedSeconds.toFixed(1)} s`);

      if (database.kind === 'sqlite' && selected('snapshots')) {
        section.snapshots = await measureSnapshots(database.url);
        const { restoreMs, saveMs, imageBytes, glibcDefaults } = section.snapshots;
        log(`snapshots of ${(imageBytes / 1e6).toFixed(1)} MB: restore median ${restoreMs.toFixed(1)} ms (${glibcDefaults.restoreMs.toFixed(1)} ms with glibc's malloc defaults), save ${saveMs.toFixed(1)} ms`);
      }
      if (selected('startup')) {
        section.startup = await measureStartup(() => startConfab(database.url));
        log(`startup on an existing database: median ${section.startup.medianMs.toFixed(0)} ms`);
      }
      if (cases.length > 0 || options.scale) {
        const confab = await startConfab(database.url, { nodeFlags });
        running.push(confab);
        for (const testCase of chatCases(world).filter((c) => selected(c.key))) {
          const baseline = await sameSizeBaseline(confab, testCase, database.dir);
          section.cases.push({ ...(await compare(testCase, baseline, confab)), baselineBodyBytes: baseline.bodyBytes });
          await baseline.stop();
        }
        section.confabMemory = memoryOf(confab.child);
        if (options.scale && database.kind === 'sqlite') {
          const baseline = await sameSizeBaseline(confab, chatCases(world)[0], database.dir);
          running.push(baseline);
          section.scale = await scale(section, world, baseline, confab, running, database.dir);
        }
      }
      for (const server of running.splice(0)) await server.stop();
      if (selected('pipeline') && database.kind === 'sqlite') {
        const chatsGet = chatCases(world)[0];
        const sample = await startConfab(database.url);
        const { bodyFile, stop } = await sameSizeBaseline(sample, chatsGet, database.dir);
        await stop();
        await sample.stop();
        section.pipeline = await pipelineBreakdown({ databaseUrl: database.url, chatsGet, bodyFile, drive, seconds: duration, log });
      }
    }

    if (selected('two_process') || selected('fanout')) {
      const pairs = Math.ceil(Math.max(selected('fanout') ? stream.fanout : 0, selected('two_process') ? stream.streams : 0) / 2);
      const at = performance.now();
      const { dms } = await seedDmPairs(database.url, pairs);
      log(`seeded ${pairs} DMs between ${2 * pairs} users for the stream cases in ${((performance.now() - at) / 1000).toFixed(1)} s`);
      if (selected('two_process')) {
        log(`two processes: ${stream.streams} streams on B, ${stream.rate} messages/s through A for ${stream.seconds} s…`);
        section.twoProcess = await failureAsResult(() => twoProcessCase(database.url, dms, { ...stream, log }));
      }
      if (selected('fanout')) {
        log(`fan-out: ${stream.fanout} streams on one process, ${stream.rate} messages/s for ${stream.seconds} s…`);
        section.fanout = await failureAsResult(() => fanOutCase(database.url, dms, { ...stream, streams: stream.fanout, log, nodeFlags }));
      }
    }
    return section;
  } finally {
    for (const server of running) await server.stop();
    await database.drop();
  }
}

/**
 * A stream case that fails (a client process dies, the server refuses) is reported as
 * failed, with why, rather than ending the run and losing every other figure.
 */
async function failureAsResult(run) {
  try {
    const result = await run();
    log(`  write → event p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms; server peak RSS ${result.server.peakRssMb.toFixed(0)} MB`);
    return result;
  } catch (error) {
    log(`  failed: ${error.stack ?? error}`);
    return { error: String(error.message ?? error) };
  }
}

/** A fresh SQLite file in a temporary directory, or a fresh schema on the PostgreSQL server named. */
async function freshDatabase(spec) {
  const dir = mkdtempSync(join(tmpdir(), 'confab-bench-'));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  if (spec === 'sqlite') return { kind: 'sqlite', dir, url: `sqlite:${join(dir, 'bench.db')}`, drop: async () => removeDir() };
  const schema = `confab_bench_${randomBytes(6).toString('hex')}`;
  await adminQuery(spec, `create schema ${schema}`);
  const url = new URL(spec);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    kind: 'postgres',
    dir,
    url: url.toString(),
    drop: async () => {
      removeDir();
      await adminQuery(spec, `drop schema if exists ${schema} cascade`);
    },
  };
}

async function adminQuery(url, statement) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
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
    connections: testCase.connections ?? connections,
    duration: seconds,
    requests: [{ setupRequest: (request) => Object.assign(request, testCase.request()) }],
  });
  result.serverCpuSeconds = cpuSecondsOf(server.child) - cpuBefore;
  return result;
}

/** Spawn → first 200 on /health, three times; the median counts. */
async function measureStartup(start, times = 3) {
  const samples = [];
  for (let i = 0; i < times; i++) {
    const server = await start();
    samples.push(server.startupMs);
    await server.stop();
  }
  const sorted = [...samples].sort((a, b) => a - b);
  return { samplesMs: samples, medianMs: sorted[Math.floor(sorted.length / 2)] };
}

/**
 * A bare node:http server answering every request with a real answer of Confab's to this
 * case, so that each ratio compares the same bytes on the wire: a 50-entry page is not
 * measured against a 1 KB chat. A write case's sample is one more write.
 */
async function sameSizeBaseline(confab, testCase, dir) {
  const request = testCase.request();
  const response = await fetch(confab.url + request.path, { method: request.method ?? 'GET', headers: request.headers, body: request.body });
  const body = Buffer.from(await response.arrayBuffer());
  if (!response.ok) throw new Error(`${testCase.name} answered ${response.status}: ${body}`);
  const bodyFile = join(dir, `${testCase.key}.json`);
  writeFileSync(bodyFile, body);
  return { ...(await startBaseline(bodyFile)), bodyBytes: body.length, bodyFile };
}

/**
 * 1M chats: chats.get by id against the same baseline, and the server's memory. The big
 * database is seeded on its own: the write cases have taken chat numbers past the seeded
 * ones, so the first database cannot simply grow.
 */
async function scale(section, world, baseline, confab, running, dir) {
  const at10k = section.cases.find((c) => c.key === 'chats_get_by_id') ?? (await compare(chatCases(world)[0], baseline, confab));
  await confab.stop();
  running.splice(running.indexOf(confab), 1);
  const at = performance.now();
  const bigUrl = `sqlite:${join(dir, 'bench-1m.db')}`;
  const big = await seed(bigUrl, { userCount: USERS, chatCount: SCALE_CHATS, messageCount: MESSAGES });
  const seedSeconds = (performance.now() - at) / 1000;
  log(`seeded ${SCALE_CHATS} chats in ${seedSeconds.toFixed(1)} s`);
  const server = await startConfab(bigUrl, { nodeFlags });
  running.push(server);
  const at1m = await compare(chatCases(big)[0], baseline, server);
  return {
    chats: SCALE_CHATS,
    seedSeconds,
    startupMs: server.startupMs,
    chatsGet10k: at10k,
    chatsGet1M: at1m,
    throughput1Mvs10k: at1m.confab.requestsPerSecond / at10k.confab.requestsPerSecond,
    ratio1Mvs10k: at1m.ratio / at10k.ratio,
    memory: memoryOf(server.child),
  };
}
