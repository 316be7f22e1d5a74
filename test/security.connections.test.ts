import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { useServer, type TestServer } from './helpers/server.js';
import { SseClient } from './helpers/sse.js';

// No per-address cap here: every connection below comes from 127.0.0.1, and the total is under test.
const t = useServer({ requestTimeoutMs: 1000, maxConnections: 3, maxConnectionsPerIp: 0, realtime: { maxStreamsPerToken: 2, streamHeartbeatMs: 200 } });
// A long request timeout, so that only the headers timeout can close a half-sent request in time.
const perAddress = useServer({ requestTimeoutMs: 30_000, headersTimeoutMs: 1000, maxConnections: 4, maxConnectionsPerIp: 2 });
// Behind a trusted proxy every socket comes from the proxy: the cap is on each forwarded client's requests in flight.
const proxied = useServer({ trustProxy: ['127.0.0.1'], maxConnections: 20, maxConnectionsPerIp: 2, realtime: { streamHeartbeatMs: 200 } });

const sockets: Socket[] = [];
const streams: SseClient[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(streams.splice(0).map((stream) => stream.close()));
  // Let the server see the sockets go before the next test counts connections.
  await new Promise((resolve) => setTimeout(resolve, 100));
});

/** A raw connection to `server`, from `localAddress` (any of 127.0.0.0/8 is loopback on Linux). */
function open(server = t, localAddress?: string): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect({ port: Number(port), host: hostname, localAddress });
    sockets.push(socket);
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('error', () => {});
    const closed = new Promise<void>((done) => socket.on('close', () => done()));
    socket.once('connect', () => resolve({ socket, received: () => text, closed }));
    socket.once('error', reject);
  });
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not happen in ${ms} ms`)), ms))]);
}

describe('request timeout', () => {
  it('closes a request whose body trickles in, with a DevRev 400', async () => {
    const { socket, received, closed } = await open();
    socket.write(`POST /no-such.operation HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n`);
    // An unknown path, so no hook answers before the body is read. A byte every 200 ms:
    // the connection is never idle, the request is never whole.
    const trickle = setInterval(() => socket.writable && socket.write(' '), 200);
    try {
      await within(closed, 8000, 'closing the trickling request');
    } finally {
      clearInterval(trickle);
    }
    expect(received()).toMatch(/^HTTP\/1\.1 400 /);
    expect(received()).toContain('the request was not received in time');
  });

  it('leaves event streams open past it', async () => {
    const ada = await t.given.org();
    const stream = await SseClient.open(`${t.url}/events.stream`, { authorization: `Bearer ${ada.token}` });
    streams.push(stream);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(stream.ended).toBe(false);
    const chat = await t.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, (await t.given.user(ada)).id] });
    expect(chat.status).toBe(201);
    await stream.until(() => stream.events.some((event) => event.event === 'chat_created'));
  });
});

describe('connection cap', () => {
  it('closes connections past MAX_CONNECTIONS, and takes new ones when one closes', async () => {
    const held = [await open(), await open(), await open()];
    const extra = await open();
    await within(extra.closed, 3000, 'closing the connection over the cap');
    expect(extra.received()).toBe('');

    held[0]!.socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const next = await open();
    next.socket.write('GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await within(next.closed, 3000, 'answering /health');
    expect(next.received()).toMatch(/^HTTP\/1\.1 200 /);
  });
});

describe('event streams per token', () => {
  it('refuses a token more than MAX_STREAMS_PER_TOKEN at once with 429, and takes one again when one closes', async () => {
    const ada = await t.given.org();
    const headers = { authorization: `Bearer ${ada.token}` };
    const first = await SseClient.open(`${t.url}/events.stream`, headers);
    const second = await SseClient.open(`${t.url}/events.stream`, headers);
    streams.push(first, second);
    const third = await SseClient.open(`${t.url}/events.stream`, headers);
    expect(third.status).toBe(429);
    expect(third.body.type).toBe('too_many_requests');

    await first.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const again = await SseClient.open(`${t.url}/events.stream`, headers);
    streams.push(again);
    expect(again.status).toBe(200);
  });
});

/** Half a request: the headers never end, as a slowloris client sends them. */
const HALF_HEADERS = 'GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ';

async function health(server: TestServer, localAddress: string): Promise<string> {
  const next = await open(server, localAddress);
  next.socket.write('GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  await within(next.closed, 3000, `answering /health from ${localAddress}`);
  return next.received();
}

describe('connections per address', () => {
  it('closes connections from one address past MAX_CONNECTIONS_PER_IP at once, and still serves other addresses', async () => {
    const held = [await open(perAddress, '127.0.0.2'), await open(perAddress, '127.0.0.2')];
    for (const { socket } of held) socket.write(HALF_HEADERS);
    const extra = [await open(perAddress, '127.0.0.2'), await open(perAddress, '127.0.0.2')];
    for (const { closed } of extra) await within(closed, 500, 'closing a connection over the per-address cap');
    expect(extra.map(({ received }) => received())).toEqual(['', '']);

    expect(await health(perAddress, '127.0.0.3')).toMatch(/^HTTP\/1\.1 200 /);
    expect(await health(perAddress, '127.0.0.4')).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('answers headers that do not arrive within HEADERS_TIMEOUT_MS with a DevRev 400, long before the request timeout', async () => {
    const slow = await open(perAddress, '127.0.0.5');
    slow.socket.write(HALF_HEADERS);
    await within(slow.closed, 4000, 'closing the half-sent headers');
    expect(slow.received()).toMatch(/^HTTP\/1\.1 400 /);
    expect(slow.received()).toContain('the request was not received in time');
    // Its address may connect again.
    expect(await health(perAddress, '127.0.0.5')).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('behind a trusted proxy, caps requests in flight per forwarded client, not the proxy\'s sockets', async () => {
    const ada = await proxied.given.org();
    const from = (client: string) => ({ authorization: `Bearer ${ada.token}`, 'x-forwarded-for': client });
    const first = await SseClient.open(`${proxied.url}/events.stream`, from('203.0.113.5'));
    const second = await SseClient.open(`${proxied.url}/events.stream`, from('203.0.113.5'));
    streams.push(first, second);
    expect([first.status, second.status]).toEqual([200, 200]);

    const third = await SseClient.open(`${proxied.url}/events.stream`, from('203.0.113.5'));
    expect(third.status).toBe(429);
    expect(third.body).toMatchObject({ type: 'too_many_requests', retry_after: 1 });
    // Another client through the same proxy: a third socket from 127.0.0.1, past the per-address cap.
    const other = await SseClient.open(`${proxied.url}/events.stream`, from('203.0.113.6'));
    streams.push(other);
    expect(other.status).toBe(200);

    await first.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const again = await SseClient.open(`${proxied.url}/events.stream`, from('203.0.113.5'));
    streams.push(again);
    expect(again.status).toBe(200);
  });
});
