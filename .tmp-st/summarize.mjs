import { readFileSync, readdirSync } from 'node:fs';
const file = readdirSync('prof')[0];
const prof = JSON.parse(readFileSync(`prof/${file}`));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = prof.timeDeltas; let i = 0;
const counts = new Map();
for (const s of prof.samples) { counts.set(s, (counts.get(s) ?? 0) + (dt[i++] ?? 0)); }
// attribute self time to url package
const byPkg = new Map(); const byFn = new Map();
for (const [id, us] of counts) {
  const n = byId.get(id); const url = n.callFrame.url || '(native)';
  const m = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  const key = m ? m[1] : url.includes('/dist/') ? 'confab:' + url.split('/dist/')[1] : url.startsWith('node:') ? 'node-internal' : url;
  byPkg.set(key, (byPkg.get(key) ?? 0) + us);
  const fk = `${n.callFrame.functionName || '(anon)'} ${key}`;
  byFn.set(fk, (byFn.get(fk) ?? 0) + us);
}
const top = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${(v / 1000).toFixed(0).padStart(6)} ms  ${k}`).join('\n');
console.log(top(byPkg)); console.log('---'); console.log(top(byFn));
