/** Turning autocannon results into figures, ratios and a table (targets from issue #8). */

const TARGETS = {
  chats_get_by_id: { ratio: 0.5, p99Ms: 5 },
  timeline_entries_list: { ratio: 0.3 },
  chats_create: { requestsPerSecond: 3000 },
};

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
  const summary = {
    name: testCase.name,
    key: testCase.key,
    baseline,
    confab,
    ratio: confab.requestsPerSecond / baseline.requestsPerSecond,
    cpuRatio: baseline.cpuMsPerRequest / confab.cpuMsPerRequest,
  };
  const target = TARGETS[testCase.key];
  if (target) summary.target = { ...target, met: meets(summary, target) };
  return summary;
}

function meets(summary, target) {
  return (
    (target.ratio === undefined || summary.ratio >= target.ratio) &&
    (target.p99Ms === undefined || summary.confab.p99Ms <= target.p99Ms) &&
    (target.requestsPerSecond === undefined || summary.confab.requestsPerSecond >= target.requestsPerSecond)
  );
}

export function printTable(results) {
  const { machine, settings } = results;
  const out = [];
  out.push(`Node ${machine.node}, ${machine.cpus} CPUs (${machine.cpuModel}); ${settings.connections} connections, ${settings.rounds}×${settings.durationSeconds} s per side`);
  out.push(`baseline: bare node:http answering a ${results.baselineBodyBytes}-byte chats.get body`);
  out.push('');
  const rows = [['case', 'baseline req/s', 'Confab req/s', 'ratio', 'p50 ms', 'p99 ms', 'non-2xx', 'CPU µs/req', 'CPU ratio', 'target']];
  for (const c of results.cases) {
    rows.push([
      c.name,
      fixed(c.baseline.requestsPerSecond, 0),
      fixed(c.confab.requestsPerSecond, 0),
      `${fixed(c.ratio, 2)}×`,
      fixed(c.confab.p50Ms, 1),
      fixed(c.confab.p99Ms, 1),
      String(c.confab.non2xx + c.confab.errors),
      `${fixed(1000 * c.baseline.cpuMsPerRequest, 0)} / ${fixed(1000 * c.confab.cpuMsPerRequest, 0)}`,
      `${fixed(c.cpuRatio, 2)}×`,
      c.target ? `${describe(c.target)} ${c.target.met ? 'met' : 'MISSED'}` : '',
    ]);
  }
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  for (const row of rows) out.push(row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  '));
  out.push('ratio: Confab req/s ÷ baseline req/s. CPU µs/req: server CPU per request, baseline / Confab; CPU ratio:');
  out.push('baseline CPU ÷ Confab CPU per request, what the ratio tends to when the load generator is not the limit.');
  out.push('');
  const startup = results.startup;
  out.push(`startup (confab serve → first 200 on /health, existing database): median ${fixed(startup.medianMs, 0)} ms of ${startup.samplesMs.map((ms) => fixed(ms, 0)).join(', ')} (target ≤ 300 ms ${startup.medianMs <= 300 ? 'met' : 'MISSED'})`);
  if (results.confabMemory) out.push(`Confab memory after the runs: RSS ${fixed(results.confabMemory.rssMb, 0)} MB, peak ${fixed(results.confabMemory.peakRssMb, 0)} MB`);
  if (results.scale) {
    const s = results.scale;
    out.push(`scale: ${s.chats} chats — chats.get ${fixed(s.chatsGet1M.confab.requestsPerSecond, 0)} req/s (${fixed(s.chatsGet1M.ratio, 2)}× baseline) vs ${fixed(s.chatsGet10k.confab.requestsPerSecond, 0)} req/s (${fixed(s.chatsGet10k.ratio, 2)}×) at 10k`);
    out.push(`       1M/10k: throughput ${fixed(s.throughput1Mvs10k, 2)}, baseline-relative ${fixed(s.ratio1Mvs10k, 2)} (target ≥ 0.9 ${s.ratio1Mvs10k >= 0.9 ? 'met' : 'MISSED'}); RSS at 1M ${fixed(s.memory.rssMb, 0)} MB, peak ${fixed(s.memory.peakRssMb, 0)} MB (target ≤ 200 MB ${s.memory.peakRssMb <= 200 ? 'met' : 'MISSED'}); startup ${fixed(s.startupMs, 0)} ms`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

function describe(target) {
  const parts = [];
  if (target.ratio !== undefined) parts.push(`≥${target.ratio}×`);
  if (target.p99Ms !== undefined) parts.push(`p99≤${target.p99Ms}ms`);
  if (target.requestsPerSecond !== undefined) parts.push(`≥${target.requestsPerSecond}/s`);
  return parts.join(', ');
}

const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;
const fixed = (value, digits) => (Number.isFinite(value) ? value.toFixed(digits) : '—');
