import { openStore } from '../dist/store/open.js';
import Database from 'better-sqlite3';
const store = await openStore('sqlite::memory:');
await store.migrate();
// grow: 37 MB of rows in a table
const raw = new Database(':memory:');
raw.exec('create table t (id integer primary key, body text)');
const ins = raw.prepare('insert into t (body) values (?)');
raw.transaction(() => { for (let i = 0; i < 150000; i++) ins.run('x'.repeat(220)); })();
const big = raw.serialize();
for (let i = 0; i < 8; i++) { const t = performance.now(); await store.restoreImage(big); console.log('restore raw image', (performance.now() - t).toFixed(1)); }
const image = await store.saveImage();
for (let i = 0; i < 8; i++) { const t = performance.now(); await store.restoreImage(image); console.log('restore', (performance.now() - t).toFixed(1)); }
await store.close();
