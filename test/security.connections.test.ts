import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { useServer } from './helpers/server.js';
import { SseClient } from './helpers/sse.js';

const t = useServer({ requestTimeoutMs: 1000, maxConnections: 3, realtime: { maxStreamsPerToken: 2, streamHeartbeatMs: 200 } });

const sockets: Socket[] = [];
const streams: SseClient[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(streams.splice(0).map((stream) => stream.close()));
  // Let the server see the sockets go before the next test counts connections.
  await new Promise((resolve) => setTimeout(resolve, 100));
});

function open(): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  const { hostname, port } = new URL(t.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
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
