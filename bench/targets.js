/**
 * Every speed target of issues 23 and 24 (and those kept from 15 and 16), in one table: what is measured, where, and the bar.
 * `database` says which part of a run measures it: 'sqlite' or 'postgres' (that
 * database's section of the results) or 'emulator' (`serve --memory --fixtures`, and
 * `startConfab()` in a process of its own).
 * `measure` reads the figure from that section, undefined when the run did not measure
 * it; `failed` gives the error of a case that could not be measured (a MISS, not a
 * NOT RUN); `unmet`, when given, names a condition without which the figure cannot count
 * (10,000 streams must really have been open for the fan-out targets to be met).
 */

const caseOf = (section, key) => section.cases?.find((c) => c.key === key);
const FANOUT_STREAMS = 10_000;
const fanOutShortfall = (section) =>
  section.fanout && section.fanout.streams < FANOUT_STREAMS ? `measured at ${section.fanout.streams} streams, not ${FANOUT_STREAMS}` : undefined;
const lostEvents = (measured) => (measured?.lost > 0 ? `${measured.lost} of ${measured.lost + measured.deliveries} events never arrived` : undefined);

export const TARGETS = [
  // Issue 23 (reads): each ratio against a bare server sending a body of the same size.
  { name: 'chats.get by id ÷ same-size bare', database: 'sqlite', caseKey: 'chats_get_by_id', at: 'least', target: 0.6, unit: '×', measure: (s) => caseOf(s, 'chats_get_by_id')?.ratio },
  { name: 'chats.get by id p99', database: 'sqlite', caseKey: 'chats_get_by_id', at: 'most', target: 5, unit: 'ms', measure: (s) => caseOf(s, 'chats_get_by_id')?.confab.p99Ms },
  { name: 'timeline-entries.list (50) ÷ same-size bare', database: 'sqlite', caseKey: 'timeline_entries_list', at: 'least', target: 0.15, unit: '×', measure: (s) => caseOf(s, 'timeline_entries_list')?.ratio },
  { name: 'chats.list (50 chats) ÷ same-size bare', database: 'sqlite', caseKey: 'chats_list', at: 'least', target: 0.05, unit: '×', measure: (s) => caseOf(s, 'chats_list')?.ratio },
  { name: 'chats.get by id ÷ same-size bare', database: 'postgres', caseKey: 'chats_get_by_id', at: 'least', target: 0.4, unit: '×', measure: (s) => caseOf(s, 'chats_get_by_id')?.ratio },
  { name: 'timeline-entries.list (50) ÷ same-size bare', database: 'postgres', caseKey: 'timeline_entries_list', at: 'least', target: 0.08, unit: '×', measure: (s) => caseOf(s, 'timeline_entries_list')?.ratio },
  // Issue 24 (writes, streams, start).
  { name: 'chats.create', database: 'sqlite', caseKey: 'chats_create', at: 'least', target: 2500, unit: '/s', measure: (s) => caseOf(s, 'chats_create')?.confab.requestsPerSecond },
  { name: 'timeline-entries.create', database: 'sqlite', caseKey: 'timeline_entries_create', at: 'least', target: 2500, unit: '/s', measure: (s) => caseOf(s, 'timeline_entries_create')?.confab.requestsPerSecond },
  { name: 'timeline-entries.create, 32 writers over 32 chats', database: 'postgres', caseKey: 'timeline_entries_create_32', at: 'least', target: 1000, unit: '/s', measure: (s) => caseOf(s, 'timeline_entries_create_32')?.confab.requestsPerSecond },
  { name: 'timeline-entries.create, 32 writers, p99', database: 'postgres', caseKey: 'timeline_entries_create_32', at: 'most', target: 50, unit: 'ms', measure: (s) => caseOf(s, 'timeline_entries_create_32')?.confab.p99Ms },
  { name: 'chats.create', database: 'postgres', caseKey: 'chats_create', at: 'least', target: 1000, unit: '/s', measure: (s) => caseOf(s, 'chats_create')?.confab.requestsPerSecond },
  { name: 'write → event on another process, p99', database: 'postgres', at: 'most', target: 50, unit: 'ms', measure: (s) => s.twoProcess?.p99Ms, failed: (s) => s.twoProcess?.error, unmet: (s) => lostEvents(s.twoProcess) },
  { name: '10,000 streams of many users: open all', database: 'sqlite', at: 'most', target: 10, unit: 's', measure: (s) => s.fanout?.openSeconds, failed: (s) => s.fanout?.error, unmet: fanOutShortfall },
  { name: '10,000 streams: server peak RSS', database: 'sqlite', at: 'most', target: 500, unit: 'MB', measure: (s) => s.fanout?.server.peakRssMb, failed: (s) => s.fanout?.error, unmet: fanOutShortfall },
  { name: 'confab serve → first 200, existing database', database: 'sqlite', at: 'most', target: 300, unit: 'ms', measure: (s) => s.startup?.medianMs },
  { name: 'confab serve → first 200, existing database', database: 'postgres', at: 'most', target: 300, unit: 'ms', measure: (s) => s.startup?.medianMs },
  { name: 'confab serve → first 200, emulator (--memory --fixtures)', database: 'emulator', at: 'most', target: 300, unit: 'ms', measure: (s) => s.startup?.medianMs },
  // Kept from issues 15 and 16.
  { name: 'startConfab() ready, in-process', database: 'emulator', at: 'most', target: 300, unit: 'ms', measure: (s) => s.startConfab?.readyMs },
  { name: 'confab.orgs.create, empty organization', database: 'emulator', at: 'most', target: 5, unit: 'ms', measure: (s) => s.startConfab?.orgsCreateMs },
  { name: 'snapshot restore (seeded data), as startConfab runs it', database: 'sqlite', at: 'most', target: 20, unit: 'ms', measure: (s) => s.snapshots?.restoreMs },
  { name: 'snapshot restore, glibc malloc defaults', database: 'sqlite', at: 'most', target: 20, unit: 'ms', measure: (s) => s.snapshots?.glibcDefaults.restoreMs },
  { name: 'fan-out delivery p99, 10,000 streams', database: 'sqlite', at: 'most', target: 100, unit: 'ms', measure: (s) => s.fanout?.p99Ms, failed: (s) => s.fanout?.error, unmet: (s) => fanOutShortfall(s) ?? lostEvents(s.fanout) },
  { name: 'fan-out delivery p99, 10,000 streams', database: 'postgres', at: 'most', target: 100, unit: 'ms', measure: (s) => s.fanout?.p99Ms, failed: (s) => s.fanout?.error, unmet: (s) => fanOutShortfall(s) ?? lostEvents(s.fanout) },
  { name: 'fan-out server peak RSS, 10,000 streams', database: 'postgres', at: 'most', target: 500, unit: 'MB', measure: (s) => s.fanout?.server.peakRssMb, failed: (s) => s.fanout?.error, unmet: fanOutShortfall },
  { name: 'scale: 1M chats ÷ 10k chats (baseline-relative)', database: 'sqlite', at: 'least', target: 0.9, unit: '', measure: (s) => s.scale?.ratio1Mvs10k },
  { name: 'scale: peak RSS at 1M chats', database: 'sqlite', at: 'most', target: 200, unit: 'MB', measure: (s) => s.scale?.memory.peakRssMb },
];

/**
 * Each target with what this run measured: `met` true or false, or null when the run did
 * not measure it (another database, a case left out with --only, no --scale). An event
 * that never arrived makes a latency infinite: `measured` is then null and `met` false.
 */
export function evaluateTargets(results) {
  return TARGETS.map((target) => {
    const section = target.database === 'emulator' ? results.emulator : results.databases.find((d) => d.database === target.database);
    const failure = section && target.failed?.(section);
    const measured = section && !failure ? target.measure(section) : undefined;
    const entry = {
      name: target.name,
      database: target.database,
      ...(target.caseKey && { caseKey: target.caseKey }),
      measured: measured === undefined || !Number.isFinite(measured) ? null : measured,
      target: target.target,
      comparison: target.at === 'least' ? '≥' : '≤',
      unit: target.unit,
      met: null,
    };
    if (failure) return { ...entry, met: false, note: `failed: ${failure}` };
    if (measured === undefined || Number.isNaN(measured)) return entry;
    const note = target.unmet?.(section);
    entry.met = !note && (target.at === 'least' ? measured >= target.target : measured <= target.target);
    if (note) entry.note = note;
    return entry;
  });
}

/** The targets that judge one HTTP case on one database (the table's last column). */
export const targetsOfCase = (targets, database, caseKey) =>
  TARGETS.flatMap((target, i) => (target.database === database && target.caseKey === caseKey ? [targets[i]] : []));

/** How far a measured figure is from its bar: 1 is on it, above 1 better (either direction). */
export function attainment(entry) {
  if (entry.met === null) return undefined;
  if (entry.measured === null) return 0;
  return entry.comparison === '≥' ? entry.measured / entry.target : entry.target / Math.max(entry.measured, 1e-9);
}
