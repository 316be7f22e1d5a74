/**
 * Where a request's CPU goes before and after the domain (issue 23, item 6): the same
 * chats.get requests against bare node:http and bare Fastify sending Confab's body, Confab's
 * constant-body route (/health: every hook, no database), Confab's chats.get with every
 * hook, and with each hook left out in turn (PROFILE_WITHOUT). What a hook costs is the
 * difference it makes to the server's CPU per request: a load-independent figure, unlike
 * requests a second.
 */
import { startBaseline, startConfab } from './processes.js';

const HOOKS = ['metrics', 'request-log', 'request-id', 'rate-limit', 'overload'];

/** `drive(server, testCase, seconds)` is run.js's; `bodyFile` holds a real chats.get answer. */
export async function pipelineBreakdown({ databaseUrl, chatsGet, bodyFile, drive, seconds, log }) {
  const health = { name: '/health', key: 'health', request: () => ({ method: 'GET', path: '/health' }) };
  const cpuOf = async (server, testCase) => {
    try {
      await drive(server, testCase, 1);
      const run = await drive(server, testCase, seconds);
      return { cpuUsPerRequest: (1e6 * run.serverCpuSeconds) / run.requests.total, requestsPerSecond: run.requests.average, non2xx: run.non2xx };
    } finally {
      await server.stop();
    }
  };
  log('pipeline: bare node:http, bare Fastify, /health, chats.get with each hook left out…');
  const rows = [
    { server: 'bare node:http, same body', ...(await cpuOf(await startBaseline(bodyFile), chatsGet)) },
    { server: 'bare Fastify route, same body', ...(await cpuOf(await startBaseline(bodyFile, 'bench/fastify-baseline.js'), chatsGet)) },
    { server: 'Confab /health (every hook, no database)', ...(await cpuOf(await startConfab(databaseUrl), health)) },
    { server: 'Confab chats.get, every hook', ...(await cpuOf(await startConfab(databaseUrl), chatsGet)) },
  ];
  for (const hook of HOOKS) {
    rows.push({ server: `Confab chats.get without ${hook}`, without: hook, ...(await cpuOf(await startConfab(databaseUrl, { env: { PROFILE_WITHOUT: hook } }), chatsGet)) });
  }
  rows.push({ server: 'Confab chats.get without any of them', without: HOOKS.join(','), ...(await cpuOf(await startConfab(databaseUrl, { env: { PROFILE_WITHOUT: HOOKS.join(',') } }), chatsGet)) });
  const all = rows[3].cpuUsPerRequest;
  for (const row of rows) if (row.without) row.savedUs = all - row.cpuUsPerRequest;
  return { rows, fastifyOverBare: rows[1].cpuUsPerRequest / rows[0].cpuUsPerRequest, healthAboveFastifyUs: rows[2].cpuUsPerRequest - rows[1].cpuUsPerRequest };
}
