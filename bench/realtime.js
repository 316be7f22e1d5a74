/**
 * The event-stream cases. Stream clients run in child processes (stream-clients.js); the
 * bench's own process posts messages into DMs at a steady rate, open loop (a late answer
 * does not delay the next message), and notes when each was sent. A delivery's latency is
 * the time from sending the create to the event arriving at a member's stream; both
 * members of every DM used hold a stream, so each message is expected twice. An event
 * that never arrives counts as infinitely late, so it shows in p99 rather than vanishing.
 *
 * - twoProcess: two `confab serve` processes on one database; streams on B, writes
 *   through A: what the change relay (PostgreSQL NOTIFY) or, failing that, the poll costs.
 * - fanOut: thousands of streams on one process, writes through the same process.
 */
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { cpuSecondsOf, fileLimits, memoryOf, spawnWithFileLimit, startConfab, stop } from './processes.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STREAMS_PER_CLIENT_PROCESS = 5_000;
/** Sockets, files and pipes a process needs besides its streams. */
const SPARE_FILES = 500;
/** How long after the last post the bench waits for events still on their way. */
const GRACE_MS = 5_000;

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function twoProcessCase(databaseUrl, dms, { streams, rate, seconds, log }) {
  const a = await startConfab(databaseUrl);
  const b = await startConfab(databaseUrl).catch(async (error) => {
    await a.stop();
    throw error;
  });
  try {
    const measured = await measureDelivery({ post: a, listen: b, dms: dms.slice(0, Math.ceil(streams / 2)), mode: 'fetch', rate, seconds, log });
    return { ...measured, processes: 2, client: 'EventStreamReader (fetch)' };
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
}

export async function fanOutCase(databaseUrl, dms, { streams, rate, seconds, log, nodeFlags }) {
  const { hard } = fileLimits();
  const wanted = 2 * Math.ceil(streams / 2);
  const possible = 2 * Math.floor((hard - SPARE_FILES) / 2);
  const count = Math.min(wanted, possible);
  if (count < wanted) log(`fan-out: the open-file limit (ulimit -Hn ${hard}) allows ${count} streams, not ${wanted}`);
  const fileLimit = Math.min(hard, count + SPARE_FILES);
  // The default connection cap (MAX_CONNECTIONS 10,000) counts streams: lift it past them.
  // Every stream comes from loopback, so the per-address cap (a quarter of it) is off.
  const server = await startConfab(databaseUrl, { nodeFlags, fileLimit, env: { MAX_CONNECTIONS: String(count + SPARE_FILES), MAX_CONNECTIONS_PER_IP: '0' } });
  try {
    const measured = await measureDelivery({ post: server, listen: server, dms: dms.slice(0, count / 2), mode: 'http', rate, seconds, log, fileLimit });
    return {
      ...measured,
      requestedStreams: wanted,
      ...(count < wanted && { limitedBy: `open files: ulimit -Hn ${hard}` }),
      fileLimit,
      maxConnections: count + SPARE_FILES,
      client: 'node:http',
    };
  } finally {
    await server.stop();
  }
}

async function measureDelivery({ post, listen, dms, mode, rate, seconds, log, fileLimit }) {
  const users = dms.flatMap((dm) => [dm.a, dm.b]);
  log(`  opening ${users.length} streams (${mode})…`);
  const clients = await openStreams(listen.url, users, { mode, fileLimit });
  try {
    const failed = new Set(clients.failed);
    const open = users.length - failed.size;
    log(`  ${open} of ${users.length} streams open in ${(clients.openMs / 1000).toFixed(1)} s (${JSON.stringify(clients.statuses)})`);
    const listening = dms.filter((_, k) => !failed.has(2 * k) && !failed.has(2 * k + 1));
    if (listening.length === 0) throw new Error(`no DM has both its streams open: ${JSON.stringify(clients.statuses)}`);
    const memoryOpen = memoryOf(listen.child);
    await sleep(200);
    const before = await clients.collect();
    const serverCpuBefore = cpuSecondsOf(listen.child);
    const postCpuBefore = post === listen ? 0 : cpuSecondsOf(post.child);
    const at = now();
    const posted = await postSteadily(post.url, listening, { rate, seconds });
    const arrivals = [...before.arrivals];
    const expected = 2 * [...posted.sent.values()].filter(answeredCreated).length;
    const deadline = now() + GRACE_MS;
    let last = before;
    while (arrivals.length < expected && now() < deadline) {
      await sleep(100);
      last = await clients.collect();
      arrivals.push(...last.arrivals);
    }
    last = await clients.collect();
    arrivals.push(...last.arrivals);
    const windowSeconds = (now() - at) / 1000;
    const delivery = latencies(posted.sent, arrivals);
    return {
      streams: open,
      streamsFailed: failed.size,
      openStatuses: clients.statuses,
      openSeconds: clients.openMs / 1000,
      dmsWritten: Math.min(listening.length, posted.sent.size),
      rate,
      seconds,
      messages: posted.sent.size,
      postStatuses: posted.statuses,
      postLateMaxMs: posted.lateMaxMs,
      // How long the creates themselves took: what of the latency is the write, not the delivery.
      createP50Ms: percentile([...posted.sent.values()].map((m) => m.answeredMs), 0.5),
      createP99Ms: percentile([...posted.sent.values()].map((m) => m.answeredMs), 0.99),
      ...delivery,
      droppedStreams: last.dropped,
      server: {
        rssOpenMb: memoryOpen.rssMb,
        ...memoryOf(listen.child),
        cpuShare: (cpuSecondsOf(listen.child) - serverCpuBefore) / windowSeconds,
        ...(post !== listen && { writerCpuShare: (cpuSecondsOf(post.child) - postCpuBefore) / windowSeconds }),
      },
      // The load generator's own cost: if its event loop lags, so do the latencies.
      clients: {
        processes: clients.count,
        cpuShare: (last.cpuSeconds - before.cpuSeconds) / windowSeconds,
        rssMb: last.rssMb,
        loopDelayP99Ms: last.loopDelayP99Ms,
      },
    };
  } finally {
    await clients.close();
  }
}

const answeredCreated = (message) => message.status >= 200 && message.status < 300;

/**
 * Latency of every expected delivery (two per message created). Percentiles count an
 * event that never came as infinitely late; JSON then shows them as null.
 */
function latencies(sent, arrivals) {
  const seen = new Map();
  let unexpected = 0;
  const samples = [];
  for (const [seq, at] of arrivals) {
    const message = sent.get(seq);
    if (!message) {
      unexpected++;
      continue;
    }
    seen.set(seq, (seen.get(seq) ?? 0) + 1);
    samples.push(at - message.at);
  }
  let lost = 0;
  let duplicates = 0;
  for (const [seq, message] of sent) {
    if (!answeredCreated(message)) continue;
    const count = seen.get(seq) ?? 0;
    if (count < 2) lost += 2 - count;
    else duplicates += count - 2;
  }
  const all = [...samples, ...Array(lost).fill(Infinity)];
  return { deliveries: samples.length, lost, duplicates, unexpected, p50Ms: percentile(all, 0.5), p99Ms: percentile(all, 0.99), maxMs: percentile(all, 1) };
}

/** The nearest-rank percentile (q from 0 to 1). */
function percentile(values, q) {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted.length === 0 ? NaN : sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

/**
 * `rate` messages a second for `seconds`, round-robin over the DMs, authors alternating;
 * each message's body carries its number. Keep-alive connections, like a real client's.
 */
async function postSteadily(baseUrl, dms, { rate, seconds }) {
  const { hostname, port } = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const total = Math.max(1, Math.round(rate * seconds));
  const sent = new Map();
  const statuses = {};
  const answers = [];
  let lateMaxMs = 0;
  const start = now() + 20;
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    if (due - now() > 1) await sleep(due - now());
    lateMaxMs = Math.max(lateMaxMs, now() - due);
    const dm = dms[i % dms.length];
    const author = i % 2 === 0 ? dm.a : dm.b;
    const body = JSON.stringify({ type: 'timeline_comment', object: dm.don, body: `bench-msg-${i}- the quick brown fox` });
    const message = { at: now(), status: 0, answeredMs: NaN };
    sent.set(i, message);
    answers.push(
      send(agent, hostname, port, author.secret, body).then((status) => {
        message.status = status;
        message.answeredMs = now() - message.at;
        statuses[status] = (statuses[status] ?? 0) + 1;
      }),
    );
  }
  await Promise.all(answers);
  agent.destroy();
  return { sent, statuses, lateMaxMs };
}

function send(agent, host, port, secret, body) {
  return new Promise((resolve) => {
    const req = request(
      {
        host,
        port,
        agent,
        method: 'POST',
        path: '/timeline-entries.create',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode));
      },
    );
    req.on('error', (error) => resolve(error.code ?? 'error'));
    req.end(body);
  });
}

/**
 * Forks one client process per STREAMS_PER_CLIENT_PROCESS streams and opens them all.
 * `failed` are indexes into `users` whose stream did not open.
 */
async function openStreams(baseUrl, users, { mode, fileLimit }) {
  const count = Math.ceil(users.length / STREAMS_PER_CLIENT_PROCESS);
  const children = [];
  for (let i = 0; i < count; i++) {
    const child = spawnWithFileLimit(
      [process.execPath, 'bench/stream-clients.js'],
      fileLimit === undefined ? undefined : Math.min(fileLimit, STREAMS_PER_CLIENT_PROCESS + SPARE_FILES),
      { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    );
    children.push({ child, offset: i * STREAMS_PER_CLIENT_PROCESS, waiting: [] });
  }
  for (const entry of children) {
    entry.child.on('message', (message) => entry.waiting.shift()?.resolve(message));
    entry.child.once('exit', (code) => {
      for (const waiter of entry.waiting.splice(0)) waiter.reject(new Error(`a stream client process exited (${code})`));
    });
  }
  const ask = (entry, message) =>
    new Promise((resolve, reject) => {
      entry.waiting.push({ resolve, reject });
      entry.child.send(message);
    });
  const close = async () => {
    await Promise.all(
      children.map(async ({ child }) => {
        if (child.connected) child.send({ type: 'close' });
        await Promise.race([new Promise((resolve) => child.once('exit', resolve)), sleep(2_000)]);
        await stop(child);
      }),
    );
  };
  try {
    const at = now();
    const opened = await Promise.all(
      children.map((entry) =>
        ask(entry, {
          type: 'open',
          baseUrl,
          tokens: users.slice(entry.offset, entry.offset + STREAMS_PER_CLIENT_PROCESS).map((user) => user.secret),
          mode,
          concurrency: 32,
        }),
      ),
    );
    const statuses = {};
    for (const reply of opened) for (const [status, n] of Object.entries(reply.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
    return {
      count,
      openMs: now() - at,
      statuses,
      failed: opened.flatMap((reply, i) => reply.failed.map((index) => children[i].offset + index)),
      async collect() {
        const replies = await Promise.all(children.map((entry) => ask(entry, { type: 'collect' })));
        return {
          arrivals: replies.flatMap((reply) => reply.arrivals),
          dropped: replies.reduce((sum, reply) => sum + reply.dropped, 0),
          cpuSeconds: replies.reduce((sum, reply) => sum + reply.cpuSeconds, 0),
          rssMb: replies.reduce((sum, reply) => sum + reply.rssMb, 0),
          loopDelayP99Ms: Math.max(...replies.map((reply) => reply.loopDelayP99Ms)),
        };
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
