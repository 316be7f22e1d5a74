/**
 * Event-stream clients for the realtime cases, in a child process of their own so that
 * the load generator's work is not the server's, nor the poster's (run.js forks one per
 * few thousand streams). Driven over IPC:
 *
 *   → { type: 'open', baseUrl, tokens, mode, concurrency }   ← { type: 'opened', failed, statuses, ms }
 *   → { type: 'collect' }                                     ← { type: 'collected', arrivals, dropped, cpu… }
 *   → { type: 'close' }                                       (closes every stream and exits)
 *
 * `mode` 'fetch' reads each stream with Confab's own client (EventStreamReader: fetch and
 * a streaming body, as a browser would); 'http' with bare node:http, which holds
 * thousands of streams in one process at a fraction of the memory and CPU. Each message
 * the bench posts says `bench-msg-<n>-` in its body; an arrival is `[n, time]`, time in
 * ms since the epoch from the high-resolution clock (comparable across processes).
 */
import { request } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { EventStreamReader } from '../dist/client/event-stream.js';

const now = () => performance.timeOrigin + performance.now();
const TAG = /bench-msg-(\d+)-/;

let arrivals = [];
let dropped = 0;
/** Set once the bench closes the streams: a stream that ends after that was not dropped. */
let closing = false;
const closers = [];
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

process.on('message', async (message) => {
  if (message.type === 'open') {
    const at = now();
    const { failed, statuses } = await openAll(message);
    loopDelay.reset();
    process.send({ type: 'opened', failed, statuses, ms: now() - at });
  } else if (message.type === 'collect') {
    process.send({
      type: 'collected',
      arrivals,
      dropped,
      cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
      rssMb: process.memoryUsage().rss / 2 ** 20,
      loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    });
    arrivals = [];
  } else if (message.type === 'close') {
    closing = true;
    for (const close of closers) close();
    process.disconnect();
    setTimeout(() => process.exit(0), 100).unref();
  }
});

const RETRIES = 5;
const RETRIED = new Set([429, 503, 'ECONNRESET', 'ECONNREFUSED']);

/** Opens the streams `concurrency` at a time; resolves with the indexes that did not open. */
async function openAll({ baseUrl, tokens, mode, concurrency }) {
  const failed = [];
  const statuses = {};
  let next = 0;
  const open = mode === 'fetch' ? openWithReader : openWithHttp;
  const worker = async () => {
    while (next < tokens.length) {
      const index = next++;
      let status;
      // A server busy accepting thousands of streams may shed some (503) or reset them:
      // those are asked again, a few times, as a real client would.
      for (let attempt = 0; attempt < RETRIES; attempt++) {
        status = await open(baseUrl, tokens[index]).catch((error) => error.code ?? error.message);
        if (status === 200 || !RETRIED.has(status)) break;
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
      }
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status !== 200) failed.push(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tokens.length) }, worker));
  return { failed, statuses };
}

function record(text, at) {
  const match = TAG.exec(text);
  if (match) arrivals.push([Number(match[1]), at]);
}

/** Resolves with 200 once the server's `: connected` comment arrives (it is subscribed then). */
function openWithHttp(baseUrl, token) {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({
      host: hostname,
      port,
      path: '/events.stream',
      agent: false,
      headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
    });
    req.on('error', reject);
    req.on('response', (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        resolve(response.statusCode);
        return;
      }
      let connected = false;
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => {
        const at = now();
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!connected && frame.startsWith(': connected')) {
            connected = true;
            resolve(200);
          } else if (frame.includes('event: timeline_entry_created')) record(frame, at);
        }
      });
      response.on('close', () => {
        if (!closing) dropped++;
      });
      closers.push(() => req.destroy());
    });
    req.end();
  });
}

function openWithReader(baseUrl, token) {
  return new Promise((resolve) => {
    let settled = false;
    const reader = new EventStreamReader({
      baseUrl,
      token,
      onStatus: (status, error) => {
        if (settled) {
          if (status === 'reconnecting' && !closing) dropped++;
          return;
        }
        if (status === 'open') {
          settled = true;
          resolve(200);
        } else if (status === 'reconnecting' || status === 'closed') {
          settled = true;
          reader.close();
          resolve(error?.status ?? error?.message ?? status);
        }
      },
    });
    closers.push(() => reader.close());
    void (async () => {
      try {
        for await (const event of reader) {
          if (event.type === 'timeline_entry_created') record(event.data.entry.body, now());
        }
      } catch (error) {
        if (!settled) {
          settled = true;
          resolve(error?.status ?? error?.message ?? 'error');
        }
      }
    })();
  });
}
