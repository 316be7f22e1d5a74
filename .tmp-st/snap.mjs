import Database from 'better-sqlite3';
const db = new Database(':memory:');
db.exec('create table t (id integer primary key, body text)');
const ins = db.prepare('insert into t (body) values (?)');
db.transaction(() => { for (let i = 0; i < 150000; i++) ins.run('x'.repeat(200)); })();
const image = db.serialize();
console.log('image MB', (image.length / 1e6).toFixed(1));
for (let i = 0; i < 5; i++) {
  let t = performance.now();
  const next = new Database(image);
  const a = performance.now() - t; t = performance.now();
  next.pragma('foreign_keys = ON');
  const b = performance.now() - t; t = performance.now();
  next.close();
  const c = performance.now() - t;
  console.log('open', a.toFixed(1), 'pragma', b.toFixed(1), 'close', c.toFixed(1));
}
