/**
 * `npm run soak [-- --minutes 10 --out soak/results]`: mixed traffic against two Confab
 * processes on a PostgreSQL of the soak's own, one process SIGKILLed and restarted every
 * minute (alternating), injected faults switched on and off every 30 s, a webhook
 * receiver and two event-stream clients. At the end it checks that nothing acknowledged
 * was lost or doubled, every webhook event was delivered or recorded as failed, every
 * stream saw every chat event in order with no gap across reconnects, and no answer was
 * ≥ 500 other than 503 with Retry-After; it prints a summary, writes it as JSON, and draws
 * the run (soak/results/chart.svg). Exits 1 if any check failed.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort } from '../bench/processes.js';
import { drawChart } from './chart.js';
import { startOwnPostgres } from './own-postgres.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist/bundle/cli.js');

const options = { minutes: 10, out: join(ROOT, 'soak/results'), killEverySeconds: 60, faultEverySeconds: 30 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const value = argv[i + 1];
  if (argv[i] === '--minutes') options.minutes = Number(value), i++;
  else if (argv[i] === '--out') options.out = value, i++;
  else if (argv[i] === '--kill-every') options.killEverySeconds = Number(value), i++;
  else {
    console.error(`soak: unknown option ${argv[i]}; use --minutes N, --out DIR, --kill-every SECONDS`);
    process.exit(2);
  }
}
if (!(options.minutes > 0)) {
  console.error('soak: --minutes must be a positive number');
  process.exit(2);
}

const ENV = {
  LOG_LEVEL: 'warn',
  CONFAB_FAULTS: '1',
  WEBHOOK_ALLOW_PRIVATE: '1',
  WEBHOOK_RETRY_DELAYS_MS: '0,500,2000',
  EVENT_POLL_MS: '200',
  RATE_LIMIT_READ: '0',
  RATE_LIMIT_WRITE: '0',
  DATABASE_POOL_SIZE: '5',
  DATABASE_STATEMENT_TIMEOUT_MS: '3000',
  SHUTDOWN_TIMEOUT_MS: '2000',
};

const log = (...parts) => console.error(`[soak ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s]`, ...parts);
let started = Date.now();
let database;
const slots = []; // one per Confab process: { index, child, url, alive, rss: { start, end } }
const children = new Set();

function cli(args, databaseUrl) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI, ...args, '--json'], { env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' } }, (error, stdout, stderr) =>
      error ? reject(new Error(`confab ${args.join(' ')}: ${stderr || error.message}`)) : resolve(JSON.parse(stdout)),
    );
  });
}

async function startProcess(slot) {
  const port = slot.port ?? (slot.port = await freePort());
  const child = spawn(process.execPath, [CLI, 'serve', '--port', String(port)], {
    env: { ...process.env, ...ENV, DATABASE_URL: database.url },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  slot.child = child;
  slot.url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`confab serve exited with ${child.exitCode}: ${stderr}`);
    try {
      if ((await fetch(`${slot.url}/health`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`confab serve did not become healthy: ${stderr}`);
    await sleep(50);
  }
  slot.alive = true;
}

function rssOf(child) {
  try {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) * 1024;
  } catch {
    return undefined;
  }
}

// ---- requests, and what the run saw of them ------------------------------------------

const samples = []; // { at, ms, ok, status }
const bad = []; // answers that break the rule: ≥ 500 other than 503 with Retry-After, or an unexpected 4xx
const counts = { requests: 0, ok: 0, unavailable: 0, injected: 0, cutByKill: 0, other: 0 };
let token;
let rr = 0;

function pickSlot() {
  const alive = slots.filter((slot) => slot.alive);
  return alive.length === 0 ? undefined : alive[rr++ % alive.length];
}

async function call(method, path, body) {
  const slot = pickSlot();
  if (!slot) {
    await sleep(100);
    return { status: 0 };
  }
  const begun = performance.now();
  counts.requests++;
  try {
    const response = await fetch(slot.url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body && { 'content-type': 'application/json' }) },
      body: body && JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    const ms = performance.now() - begun;
    const status = response.status;
    const retryAfter = response.headers.get('retry-after');
    samples.push({ at: Date.now(), ms, ok: status < 300 });
    if (status < 300) counts.ok++;
    else if (status === 503 && retryAfter !== null) counts.unavailable++;
    else {
      counts.other++;
      bad.push(`${method} ${path}: ${status} ${text.slice(0, 200)}`);
    }
    return { status, body: text ? JSON.parse(text) : undefined };
  } catch (error) {
    // The process was SIGKILLed with this request in flight: no answer at all, as a load
    // balancer would see it. Not acknowledged, so not counted as a write.
    samples.push({ at: Date.now(), ms: performance.now() - begun, ok: false });
    if (!slot.alive || slot.child.exitCode !== null || slot.child.signalCode !== null) counts.cutByKill++;
    else bad.push(`${method} ${path}: no answer from a live process: ${error.cause?.code ?? error.message}`);
    return { status: 0 };
  }
}

// ---- the run -------------------------------------------------------------------------

async function main() {
  mkdirSync(options.out, { recursive: true });
  log(`starting a PostgreSQL of its own, two Confab processes; ${options.minutes} minute(s)`);
  database = await startOwnPostgres();
  const init = await cli(['init', '--org', 'Soak', '--email', 'ada@soak.local'], database.url);
  token = init.token;
  const ada = init.user.id;
  slots.push({ index: 0 }, { index: 1 });
  for (const slot of slots) {
    await startProcess(slot);
    slot.rss = { start: rssOf(slot.child) };
  }

  // Webhook receiver: fails 20 % of deliveries while faults are on, so retries happen.
  let faultsOn = false;
  const received = new Map(); // event id → times received
  const receiver = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}');
      if (body.type === 'verify') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ challenge: body.verify.challenge }));
      if (faultsOn && Math.random() < 0.2) return void res.writeHead(500).end();
      const id = Number(String(body.id).split('/').pop());
      received.set(id, (received.get(id) ?? 0) + 1);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const hook = await call('POST', '/webhooks.create', { url: `http://127.0.0.1:${receiver.address().port}/hook`, event_types: ['timeline_entry_created'] });
  if (hook.status !== 201) throw new Error(`webhooks.create: ${hook.status}`);
  for (let i = 0; ; i++) {
    const got = await call('GET', `/webhooks.get?id=${encodeURIComponent(hook.body.webhook.id)}`);
    if (got.body?.webhook?.status === 'active') break;
    if (i > 300) throw new Error('the webhook was never verified');
    await sleep(100);
  }
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const startEventId = Number((await client.query('select coalesce(max(id), 0) as id from events')).rows[0].id);

  const first = await call('POST', '/chats.create', { type: 'dm', users: [ada], is_default: false, title: 'soak-chat-0' });
  const chats = [first.body.chat.id];
  const chatKeys = new Map([[first.body.chat.id, 'soak-chat-0']]);
  const acknowledgedChats = ['soak-chat-0'];
  const attemptedChats = ['soak-chat-0'];
  const acknowledged = [];
  const attempted = [];

  // Event-stream clients: resume with Last-Event-ID after every disconnect. The ids on the
  // wire are opaque (dist/domain/public-ids.js); the soak deciphers them with the server's
  // secret to check them against the outbox. `0` is the start: the org is new, so that is
  // exactly its events after startEventId.
  const orgId = Number((await client.query('select org_id from events where id > $1 order by id limit 1', [startEventId])).rows[0].org_id);
  let codec;
  const sequenceOf = async (publicId) => {
    if (!codec) {
      const { PublicIds } = await import('../dist/domain/public-ids.js');
      const secret = (await client.query("select value from server_secrets where name = 'public-ids'")).rows[0].value;
      codec = new PublicIds(Buffer.from(secret, 'base64url'));
    }
    return codec.decode('event', orgId, publicId) ?? -1;
  };
  const streams = [0, 1].map((index) => ({ index, ids: [], outOfOrder: 0, reconnects: 0, lastId: startEventId, lastPublicId: '0', controller: undefined }));
  let running = true;
  const followStream = async (stream) => {
    while (running) {
      const slot = pickSlot();
      if (!slot) {
        await sleep(200);
        continue;
      }
      stream.controller = new AbortController();
      try {
        const response = await fetch(`${slot.url}/events.stream`, {
          headers: { authorization: `Bearer ${token}`, 'last-event-id': stream.lastPublicId },
          signal: stream.controller.signal,
        });
        if (response.status === 200) {
          const decoder = new TextDecoder();
          let buffer = '';
          for await (const chunk of response.body) {
            buffer += decoder.decode(chunk, { stream: true });
            let end;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const frame = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const idLine = frame.split('\n').find((line) => line.startsWith('id: '));
              if (!idLine) continue;
              const id = await sequenceOf(idLine.slice(4));
              if (id <= stream.lastId) stream.outOfOrder++;
              else stream.lastPublicId = idLine.slice(4);
              stream.lastId = Math.max(stream.lastId, id);
              stream.ids.push(id);
            }
          }
        } else await response.text();
      } catch {
        // cut by a kill, or aborted at the end
      }
      if (running) stream.reconnects++;
      await sleep(200);
    }
  };
  const streamTasks = streams.map(followStream);

  let sequence = 0;
  const writer = async (index) => {
    while (running) {
      const roll = Math.random();
      if (roll < 0.1) {
        const title = `soak-chat-${++sequence}`;
        attemptedChats.push(title);
        const answer = await call('POST', '/chats.create', { type: 'dm', users: [ada], is_default: false, title });
        if (answer.status === 201) {
          acknowledgedChats.push(title);
          chats.push(answer.body.chat.id);
          chatKeys.set(answer.body.chat.id, title);
        }
      } else if (roll < 0.25) {
        // The key stays before the '|', so a renamed chat is still counted as itself.
        const chat = chats[Math.floor(Math.random() * chats.length)];
        await call('POST', '/chats.update', { id: chat, title: `${chatKeys.get(chat)}|renamed by ${index} at ${Date.now()}` });
      } else {
        const key = `soak-w${index}-${++sequence}`;
        attempted.push(key);
        const object = chats[Math.floor(Math.random() * chats.length)];
        const answer = await call('POST', '/timeline-entries.create', { type: 'timeline_comment', object, body: key });
        if (answer.status === 201) acknowledged.push(key);
      }
    }
  };
  const reader = async () => {
    while (running) {
      const chat = chats[Math.floor(Math.random() * chats.length)];
      const roll = Math.random();
      if (roll < 0.4) await call('GET', `/chats.get?id=${encodeURIComponent(chat)}`);
      else if (roll < 0.8) await call('GET', `/timeline-entries.list?object=${encodeURIComponent(chat)}&limit=20`);
      else await call('GET', '/dev-users.self');
    }
  };
  const traffic = [writer(0), writer(1), writer(2), writer(3), reader(), reader()];

  // Faults on and off; a process killed and restarted every minute.
  const marks = [];
  const faultMarks = [{ t: 0, on: false }];
  const runMs = options.minutes * 60_000;
  started = Date.now();
  const setFaults = async (slot) => {
    const path = faultsOn ? '/confab.faults.set' : '/confab.faults.clear';
    const body = faultsOn
      ? { rules: [{ operation: '*', rate: 0.03, status: 503, retry_after: 1 }, { operation: '*', rate: 0.03, delay_ms: 300 }] }
      : {};
    await fetch(slot.url + path, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }).catch(() => undefined);
  };
  const faultTimer = setInterval(async () => {
    faultsOn = !faultsOn;
    faultMarks.push({ t: (Date.now() - started) / 1000, on: faultsOn });
    log(`faults ${faultsOn ? 'on' : 'off'}`);
    for (const slot of slots.filter((s) => s.alive)) await setFaults(slot);
  }, options.faultEverySeconds * 1000);
  let kills = 0;
  while (Date.now() - started < runMs) {
    const wait = Math.min(options.killEverySeconds * 1000, runMs - (Date.now() - started));
    await sleep(wait);
    if (Date.now() - started >= runMs - 5_000) break;
    const slot = slots[kills++ % 2];
    slot.alive = false;
    slot.child.kill('SIGKILL');
    marks.push({ t: (Date.now() - started) / 1000, kind: 'kill', process: slot.index });
    log(`SIGKILL process ${slot.index + 1}`);
    await sleep(1000);
    await startProcess(slot);
    if (faultsOn) await setFaults(slot);
    marks.push({ t: (Date.now() - started) / 1000, kind: 'restart', process: slot.index });
    log(`process ${slot.index + 1} is back`);
  }
  clearInterval(faultTimer);
  faultsOn = false;
  for (const slot of slots) await setFaults(slot);
  running = false;
  await Promise.all(traffic);
  const endedAt = Date.now();
  log('traffic stopped; waiting for webhooks and streams to catch up');

  // ---- checks -------------------------------------------------------------------------
  const chatEvents = async () =>
    (await client.query('select id from events where chat_id is not null and id > $1 order by id', [startEventId])).rows.map((row) => Number(row.id));
  const expectedStream = await chatEvents();
  const lastExpected = expectedStream.at(-1) ?? startEventId;
  running = true; // streams keep following until they have caught up
  const catchUp = Date.now() + 60_000;
  while (Date.now() < catchUp && streams.some((stream) => stream.lastId < lastExpected)) await sleep(200);
  const pendingQuery = "select count(*) as n from webhook_deliveries where type <> 'verify' and state = 'pending'";
  while (Date.now() < catchUp && Number((await client.query(pendingQuery)).rows[0].n) > 0) await sleep(200);
  running = false;
  for (const stream of streams) stream.controller?.abort();
  await Promise.all(streamTasks);

  const stored = new Map((await client.query('select body, count(*) as n from timeline_entries group by body')).rows.map((row) => [row.body, Number(row.n)]));
  const storedChats = new Map((await client.query("select split_part(title, '|', 1) as title, count(*) as n from chats group by 1")).rows.map((row) => [row.title, Number(row.n)]));
  const lost = acknowledged.filter((key) => stored.get(key) !== 1);
  const doubled = attempted.filter((key) => (stored.get(key) ?? 0) > 1);
  const lostChats = acknowledgedChats.filter((title) => storedChats.get(title) !== 1);
  const doubledChats = attemptedChats.filter((title) => (storedChats.get(title) ?? 0) > 1);

  const hookEvents = (await client.query("select id from events where type = 'timeline_entry_created' and id > $1 order by id", [startEventId])).rows.map((row) => Number(row.id));
  const allDeliveries = (await client.query('select * from webhook_deliveries')).rows;
  const deliveryRows = allDeliveries.filter((row) => row.type !== 'verify');
  const deliveries = new Map(deliveryRows.map((row) => [Number(row.event_id), row.state]));
  const failedDeliveries = hookEvents.filter((id) => deliveries.get(id) === 'failed').length;
  // DevRev's rule: a webhook whose delivery failed after its retries is degraded, and gets
  // no events until it answers a verify again. Events written in such a window have no
  // delivery by design; they are counted apart, not as lost.
  const finished = (row) => Date.parse(row.finished_at);
  const recovered = allDeliveries.filter((row) => row.type === 'verify' && row.state === 'succeeded').map(finished);
  const degraded = deliveryRows
    .filter((row) => row.state === 'failed')
    .map((row) => [finished(row), Math.min(...recovered.filter((at) => at > finished(row)), Infinity)]);
  const createdAt = new Map(
    (await client.query("select id, created_at from events where type = 'timeline_entry_created' and id > $1", [startEventId])).rows.map((row) => [
      Number(row.id),
      Date.parse(row.created_at),
    ]),
  );
  // A transaction's timestamp may precede its commit by up to the statement timeout.
  const whileDegraded = (id) => !deliveries.has(id) && degraded.some(([from, to]) => createdAt.get(id) >= from - 3_000 && createdAt.get(id) <= to);
  const skipped = hookEvents.filter((id) => !received.has(id) && whileDegraded(id));
  const undelivered = hookEvents.filter((id) => !received.has(id) && deliveries.get(id) !== 'failed' && !whileDegraded(id));
  // What became of each: no delivery row, still pending, or recorded as succeeded unseen.
  const undeliveredDetails = undelivered.map((id) => deliveryRows.find((row) => Number(row.event_id) === id) ?? { event_id: id, state: 'no delivery' });
  const expectedSet = new Set(expectedStream);
  const streamResults = streams.map((stream) => {
    const seen = stream.ids.filter((id) => expectedSet.has(id));
    const seenSet = new Set(seen);
    return {
      stream: stream.index + 1,
      events: seen.length,
      reconnects: stream.reconnects,
      missing: expectedStream.filter((id) => !seenSet.has(id)).length,
      duplicatesOrOutOfOrder: stream.outOfOrder + (seen.length - seenSet.size),
    };
  });
  for (const slot of slots) slot.rss.end = rssOf(slot.child);
  await client.end();

  // ---- figures and chart --------------------------------------------------------------
  const seconds = [];
  const totalSeconds = Math.ceil((endedAt - started) / 1000);
  for (let s = 0; s < totalSeconds; s++) seconds.push({ t: s, requests: 0, errors: 0, latencies: [] });
  for (const sample of samples) {
    const s = Math.floor((sample.at - started) / 1000);
    if (s < 0 || s >= totalSeconds) continue;
    seconds[s].requests++;
    if (!sample.ok) seconds[s].errors++;
    seconds[s].latencies.push(sample.ms);
  }
  const p99 = (values) => {
    if (values.length === 0) return 0;
    const sorted = [...values].sort((a, b) => a - b);
    return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]);
  };
  const perSecond = seconds.map(({ t, requests, errors, latencies }) => ({ t, requests, errors, p99: p99(latencies) }));
  const mb = (bytes) => (bytes === undefined ? 'n/a' : `${Math.round(bytes / 1024 / 1024)} MB`);
  const summary = {
    minutes: options.minutes,
    node: process.version,
    requests: counts.requests,
    answered2xx: counts.ok,
    answered503WithRetryAfter: counts.unavailable,
    cutByKill: counts.cutByKill,
    badAnswers: bad.length,
    kills: marks.filter((mark) => mark.kind === 'kill').length,
    overallP99Ms: p99(samples.map((sample) => sample.ms)),
    messages: { acknowledged: acknowledged.length, attempted: attempted.length, lost: lost.length, doubled: doubled.length },
    chats: { acknowledged: acknowledgedChats.length, lost: lostChats.length, doubled: doubledChats.length },
    webhook: {
      events: hookEvents.length,
      delivered: hookEvents.filter((id) => received.has(id)).length,
      failedAfterRetries: failedDeliveries,
      skippedWhileDegraded: skipped.length,
      undelivered: undelivered.length,
    },
    streams: streamResults,
    rss: slots.map((slot) => ({ process: slot.index + 1, start: mb(slot.rss.start), end: mb(slot.rss.end) })),
  };
  const passed =
    bad.length === 0 &&
    lost.length + doubled.length + lostChats.length + doubledChats.length === 0 &&
    undelivered.length === 0 &&
    streamResults.every((stream) => stream.missing === 0 && stream.duplicatesOrOutOfOrder === 0);
  summary.passed = passed;
  writeFileSync(join(options.out, 'latest.json'), JSON.stringify({ summary, bad: bad.slice(0, 50), undelivered: undeliveredDetails, marks, faults: faultMarks, perSecond }, null, 2));
  writeFileSync(join(options.out, 'chart.svg'), drawChart(perSecond, marks, faultMarks, { title: `Confab soak: ${options.minutes} min, two processes on PostgreSQL, a SIGKILL every ${options.killEverySeconds} s` }));

  console.log(`
Soak: ${options.minutes} minute(s), ${summary.kills} SIGKILLs, faults on/off every ${options.faultEverySeconds} s
  requests            ${summary.requests} (2xx ${summary.answered2xx}, 503 + Retry-After ${summary.answered503WithRetryAfter}, cut by a kill ${summary.cutByKill})
  bad answers         ${bad.length} (≥ 500 other than 503 with Retry-After, or an unexpected 4xx)${bad.length ? `\n    ${bad.slice(0, 10).join('\n    ')}` : ''}
  p99 latency         ${summary.overallP99Ms} ms
  messages            ${acknowledged.length} acknowledged: ${lost.length} lost, ${doubled.length} stored twice (of ${attempted.length} attempted)
  chats               ${acknowledgedChats.length} acknowledged: ${lostChats.length} lost, ${doubledChats.length} stored twice
  webhook events      ${hookEvents.length}: ${summary.webhook.delivered} delivered, ${failedDeliveries} failed after retries, ${skipped.length} while the webhook was degraded by a failure, ${undelivered.length} unaccounted for${undelivered.length ? ` (${undeliveredDetails.map((row) => `${row.event_id}: ${row.state}`).join(', ')})` : ''}
${streamResults.map((s) => `  stream ${s.stream}            ${s.events} chat events, ${s.reconnects} reconnects: ${s.missing} missing, ${s.duplicatesOrOutOfOrder} duplicate or out of order`).join('\n')}
${summary.rss.map((r) => `  RSS process ${r.process}       ${r.start} at start, ${r.end} at end`).join('\n')}
  chart               ${join(options.out, 'chart.svg')}
  ${passed ? 'PASSED: nothing lost' : 'FAILED'}`);
  receiver.close();
  return passed;
}

async function cleanup() {
  for (const child of children) child.kill('SIGKILL');
  await database?.destroy();
}

process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));
main()
  .then(async (passed) => {
    await cleanup();
    process.exit(passed ? 0 : 1);
  })
  .catch(async (error) => {
    console.error(`soak: ${error.stack ?? error}`);
    await cleanup();
    process.exit(1);
  });
