import Database from 'better-sqlite3';
const raw = new Database(':memory:');
raw.exec('create table t (id integer primary key, body text)');
const ins = raw.prepare('insert into t (body) values (?)');
raw.transaction(() => { for (let i = 0; i < 150000; i++) ins.run('x'.repeat(220)); })();
const big = raw.serialize();
let prev = new Database(big);
for (let i = 0; i < 6; i++) {
  let t = performance.now();
  const next = new Database(big);
  const a = performance.now() - t; t = performance.now();
  next.pragma('foreign_keys = ON'); next.pragma('busy_timeout = 5000');
  const b = performance.now() - t; t = performance.now();
  next.pragma('cache_size = -32000');
  const c = performance.now() - t; t = performance.now();
  next.prepare('PRAGMA data_version').pluck().get();
  const d = performance.now() - t; t = performance.now();
  prev.close(); prev = next;
  const e = performance.now() - t;
  console.log('open', a.toFixed(1), 'pragmas', b.toFixed(1), 'cache', c.toFixed(1), 'dv', d.toFixed(1), 'close-prev', e.toFixed(1));
}
