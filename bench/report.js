/** Turning the measurements into figures, ratios and the table on stdout (targets: targets.js). */
import { targetsOfCase } from './targets.js';

/** Throughput is the mean over rounds, p50 the mean, p99 the worst round's. */
export function summarize(testCase, runs) {
  const side = (list) => ({
    requestsPerSecond: mean(list.map((r) => r.requests.average)),
    p50Ms: mean(list.map((r) => r.latency.p50)),
    p99Ms: Math.max(...list.map((r) => r.latency.p99)),
    requests: list.reduce((sum, r) => sum + r.requests.total, 0),
    cpuMsPerRequest: (1000 * list.reduce((sum, r) => sum + r.serverCpuSeconds, 0)) / list.reduce((sum, r) => sum + r.requests.total, 0),
    non2xx: list.reduce((sum, r) => sum + r.non2xx, 0),
    errors: list.reduce((sum, r) => sum + r.errors + r.timeouts, 0),
  });
  const baseline = side(runs.baseline);
  const confab = side(runs.confab);
  return {
    name: testCase.name,
    key: testCase.key,
    baseline,
    confab,
    ratio: confab.requestsPerSecond / baseline.requestsPerSecond,
    cpuRatio: baseline.cpuMsPerRequest / confab.cpuMsPerRequest,
  };
}

export function printTable(results) {
  const { machine, settings } = results;
  const out = [];
  const http = results.databases.some((section) => section.cases.length > 0);
  out.push(`Node ${machine.node}, ${machine.cpus} CPUs (${machine.cpuModel})${http ? `; ${settings.connections} connections, ${settings.rounds}×${settings.durationSeconds} s per side` : ''}`);
  if (results.emulator.startup) out.push(`emulator startup (serve --memory --fixtures ${results.emulator.fixtures} → first 200 on /health): ${startupText(results.emulator.startup)}`);
  if (results.emulator.startConfab) {
    const { readyMs, readyRunsMs, orgsCreateMs, orgsCreateP90Ms } = results.emulator.startConfab;
    out.push(`startConfab() in a fresh process → ready: median ${fixed(readyMs, 0)} ms of ${readyRunsMs.map((ms) => fixed(ms, 0)).join(', ')}; confab.orgs.create (empty): median ${fixed(orgsCreateMs, 1)} ms, p90 ${fixed(orgsCreateP90Ms, 1)} ms`);
  }
  for (const section of results.databases) {
    out.push('');
    out.push(`== ${section.database === 'sqlite' ? 'SQLite' : 'PostgreSQL'} ==`);
    if (section.cases.length > 0) out.push(...casesTable(results, section));
    if (section.pipeline) out.push(...pipelineLines(section.pipeline));
    if (section.startup) out.push(`startup (serve on the seeded database → first 200 on /health): ${startupText(section.startup)}`);
    if (section.confabMemory) out.push(`Confab memory after the HTTP cases: RSS ${fixed(section.confabMemory.rssMb, 0)} MB, peak ${fixed(section.confabMemory.peakRssMb, 0)} MB`);
    if (section.snapshots) {
      const { restoreMs, restoreMaxMs, saveMs, imageBytes, glibcDefaults } = section.snapshots;
      out.push(`snapshots (emulator image of the seeded data, ${fixed(imageBytes / 1e6, 1)} MB): restore median ${fixed(restoreMs, 1)} ms (max ${fixed(restoreMaxMs, 1)}), save ${fixed(saveMs, 1)} ms`);
      out.push(`           with glibc's malloc defaults: restore median ${fixed(glibcDefaults.restoreMs, 1)} ms (max ${fixed(glibcDefaults.restoreMaxMs, 1)}), save ${fixed(glibcDefaults.saveMs, 1)} ms`);
    }
    if (section.twoProcess) out.push(...deliveryLines('two processes', section.twoProcess, 'on B, writes through A'));
    if (section.fanout) out.push(...deliveryLines('fan-out', section.fanout, 'on one process'));
    if (section.scale) {
      const s = section.scale;
      out.push(`scale: ${s.chats} chats — chats.get ${fixed(s.chatsGet1M.confab.requestsPerSecond, 0)} req/s (${fixed(s.chatsGet1M.ratio, 2)}× baseline) vs ${fixed(s.chatsGet10k.confab.requestsPerSecond, 0)} req/s (${fixed(s.chatsGet10k.ratio, 2)}×) at 10k`);
      out.push(`       1M/10k: throughput ${fixed(s.throughput1Mvs10k, 2)}, baseline-relative ${fixed(s.ratio1Mvs10k, 2)}; RSS at 1M ${fixed(s.memory.rssMb, 0)} MB, peak ${fixed(s.memory.peakRssMb, 0)} MB; startup ${fixed(s.startupMs, 0)} ms`);
    }
  }
  out.push('');
  out.push('== targets (issues 23 and 24) ==');
  const rows = results.targets.map((t) => [
    t.met === null ? 'NOT RUN' : t.met ? 'PASS' : 'MISS',
    t.database,
    t.name,
    t.met === null || t.note?.startsWith('failed') ? '—' : t.measured === null ? '∞' : `${figure(t.measured)}${t.unit === '×' || t.unit === '' ? t.unit : ` ${t.unit}`}`,
    `${t.comparison} ${figure(t.target)}${t.unit === '×' || t.unit === '' ? t.unit : ` ${t.unit}`}`,
    t.note ?? '',
  ]);
  out.push(...align(rows, [false, false, false, true, false, false]));
  const counted = results.targets.filter((t) => t.met !== null);
  out.push(`${counted.filter((t) => t.met).length} of ${counted.length} measured targets met; ${results.targets.length - counted.length} not measured in this run.`);
  process.stdout.write(`${out.join('\n')}\n`);
}

function casesTable(results, section) {
  const out = ['baseline: bare node:http answering each case with a body of the size of Confab\'s answer to it (bytes)'];
  const rows = [['case', 'bytes', 'baseline req/s', 'Confab req/s', 'ratio', 'p50 ms', 'p99 ms', 'non-2xx', 'CPU µs/req', 'CPU ratio', 'target']];
  for (const c of section.cases) {
    const verdicts = targetsOfCase(results.targets, section.database, c.key).filter((t) => t.met !== null);
    rows.push([
      c.name,
      String(c.baselineBodyBytes),
      fixed(c.baseline.requestsPerSecond, 0),
      fixed(c.confab.requestsPerSecond, 0),
      `${fixed(c.ratio, 2)}×`,
      fixed(c.confab.p50Ms, 1),
      fixed(c.confab.p99Ms, 1),
      String(c.confab.non2xx + c.confab.errors),
      `${fixed(1000 * c.baseline.cpuMsPerRequest, 0)} / ${fixed(1000 * c.confab.cpuMsPerRequest, 0)}`,
      `${fixed(c.cpuRatio, 2)}×`,
      verdicts.map((t) => `${t.met ? 'PASS' : 'MISS'} ${t.comparison}${figure(t.target)}${t.unit === '×' ? '×' : t.unit}`).join(', '),
    ]);
  }
  out.push(...align(rows, rows[0].map((_, column) => column > 0 && column < 10)));
  out.push('ratio: Confab req/s ÷ baseline req/s. CPU µs/req: server CPU per request, baseline / Confab; CPU ratio:');
  out.push('baseline CPU ÷ Confab CPU per request, what the ratio tends to when the load generator is not the limit.');
  return out;
}

function pipelineLines({ rows, fastifyOverBare, healthAboveFastifyUs }) {
  const table = [['pipeline (server CPU per request)', 'CPU µs/req', 'req/s', 'saved µs']];
  for (const row of rows) {
    table.push([row.server, fixed(row.cpuUsPerRequest, 0), fixed(row.requestsPerSecond, 0), row.savedUs === undefined ? '' : fixed(row.savedUs, 0)]);
  }
  return [
    ...align(table, [false, true, true, true]),
    `bare Fastify ÷ bare node:http CPU: ${fixed(fastifyOverBare, 2)}×; Confab's constant-body route is ${fixed(healthAboveFastifyUs, 0)} µs above a bare Fastify route`,
  ];
}

function deliveryLines(label, d, where) {
  if (d.error) return [`${label}: FAILED — ${d.error}`];
  const lost = d.lost > 0 ? `, ${d.lost} events never arrived` : '';
  const failed = d.streamsFailed > 0 ? ` (${d.streamsFailed} failed to open: ${JSON.stringify(d.openStatuses)})` : '';
  const limited = d.limitedBy ? ` [limited by ${d.limitedBy}; ${d.requestedStreams} asked]` : '';
  const posts = Object.entries(d.postStatuses)
    .map(([status, n]) => `${n}×${status}`)
    .join(' ');
  const writer = d.server.writerCpuShare === undefined ? '' : `, A ${percent(d.server.writerCpuShare)}`;
  return [
    `${label}: ${d.streams} streams ${where}${failed}${limited}, opened in ${fixed(d.openSeconds, 1)} s; ${d.messages} messages at ${d.rate}/s over ${d.dmsWritten} DMs (${posts}), client: ${d.client}`,
    `  write → event: p50 ${fixedMs(d.p50Ms)}, p99 ${fixedMs(d.p99Ms)}, max ${fixedMs(d.maxMs)} over ${d.deliveries} deliveries${lost} (the create itself answered in p50 ${fixedMs(d.createP50Ms)}, p99 ${fixedMs(d.createP99Ms)})`,
    `  server: RSS ${fixed(d.server.rssOpenMb, 0)} MB with the streams open, ${fixed(d.server.rssMb, 0)} MB after, peak ${fixed(d.server.peakRssMb, 0)} MB; CPU ${percent(d.server.cpuShare)} of a core${writer}`,
    `  load generator: ${d.clients.processes} client process(es), CPU ${percent(d.clients.cpuShare)} of a core, RSS ${fixed(d.clients.rssMb, 0)} MB, event-loop delay p99 ${fixed(d.clients.loopDelayP99Ms, 1)} ms; poster at most ${fixed(d.postLateMaxMs, 1)} ms late`,
  ];
}

const startupText = (startup) => `median ${fixed(startup.medianMs, 0)} ms of ${startup.samplesMs.map((ms) => fixed(ms, 0)).join(', ')}`;

/** Columns padded to their widest cell; `right[i]` aligns column i to the right. */
function align(rows, right) {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) =>
    row
      .map((cell, column) => (right[column] ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd(),
  );
}

/** A figure as people read it: 3,120 and 4.2 and 0.35. */
function figure(value) {
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(0);
  return value.toFixed(Math.abs(value) >= 1 ? 1 : 2);
}

const fixedMs = (value) => (value === Infinity ? '∞' : `${fixed(value, 1)} ms`);
const percent = (share) => `${fixed(100 * share, 0)} %`;
const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;
const fixed = (value, digits) => (Number.isFinite(value) ? value.toFixed(digits) : '—');
