import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const before = Object.keys(require.cache).length;
await import('/work/main/dist/server.js');
console.log('cjs modules loaded', Object.keys(require.cache).length - before, 'ioredis?', Object.keys(require.cache).some((k) => k.includes('/ioredis/')), 'pg?', Object.keys(require.cache).some((k) => k.includes('/node_modules/pg/')));
