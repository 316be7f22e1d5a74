/**
 * Fastify's own floor: one route answering every request with a fixed JSON body (already
 * serialized), no hooks, no plugins. Confab's constant-body route ÷ this is what the
 * request pipeline costs; this ÷ bare node:http is Fastify's ceiling on this machine.
 * Started as a child process by run.js: `node bench/fastify-baseline.js <port> <body file>`.
 */
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const [port, bodyFile] = process.argv.slice(2);
const body = readFileSync(bodyFile, 'utf8');
const app = Fastify({ logger: false, keepAliveTimeout: 72_000 });
const answer = (_request, reply) => reply.type('application/json; charset=utf-8').send(body);
app.get('/*', answer);
app.post('/*', answer);
await app.listen({ port: Number(port), host: '127.0.0.1' });
process.once('SIGTERM', () => app.close().then(() => process.exit(0)));
