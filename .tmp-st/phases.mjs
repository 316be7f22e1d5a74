const t0 = performance.now();
const { startServer } = await import('/work/main/dist/server.js');
const { pino } = await import('pino');
const t1 = performance.now();
const s = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: 'sqlite:/tmp/st/db.sqlite', logLevel: 'warn' }, pino({ level: 'warn' }));
const t2 = performance.now();
console.log('import', Math.round(t1 - t0), 'start', Math.round(t2 - t1));
await s.close();
