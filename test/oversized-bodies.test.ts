/**
 * An oversized body gets DevRev's 400 in a form every common client can read: the server
 * reads and discards the rest of the body (up to 16 MiB) before it answers and closes.
 * Each client sends with a Content-Length and without one (chunked).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertMatchesContract } from './helpers/contract.js';
import { useServer, type Person } from './helpers/server.js';

const t = useServer();
let ada: Person;
let files: string;

const MiB = 1024 * 1024;
const LIMIT_MESSAGE = 'the request body is too large: at most 1 MiB';
/** Within the discard bound: the 400 must arrive. 1 MiB + 1 is the smallest body over the limit. */
const READABLE_SIZES = [MiB + 1, 3 * MiB, 16 * MiB];
/** Past the bound: the connection may be closed before the client has finished sending. */
const BEYOND_BOUND = 50 * MiB;
const ALL_SIZES = [...READABLE_SIZES, BEYOND_BOUND];
const payload = Buffer.alloc(BEYOND_BOUND, 'x');
payload.write('{"type":"dm","title":"');

type Outcome = { status: number; body: any } | { failed: string };
type Send = (size: number, chunked: boolean) => Promise<Outcome>;

beforeAll(async () => {
  ada = await t.given.org();
  files = mkdtempSync(join(tmpdir(), 'confab-bodies-'));
  for (const size of ALL_SIZES) writeFileSync(join(files, String(size)), payload.subarray(0, size));
});

afterAll(() => rmSync(files, { recursive: true, force: true }));

const path = '/chats.create';

const withFetch: Send = async (size, chunked) => {
  const body = payload.subarray(0, size);
  try {
    const response = await fetch(t.url + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${ada.token}`, 'content-type': 'application/json' },
      // A stream has no length: fetch sends it chunked.
      ...(chunked ? { body: Readable.toWeb(Readable.from(chunks(body))) as ReadableStream, duplex: 'half' } : { body }),
    } as RequestInit);
    return { status: response.status, body: JSON.parse(await response.text()) };
  } catch (error) {
    return { failed: String((error as Error).cause ?? error) };
  }
};

const withNodeHttp: Send = (size, chunked) =>
  new Promise((resolve) => {
    const body = payload.subarray(0, size);
    const url = new URL(t.url);
    const headers: Record<string, string | number> = { authorization: `Bearer ${ada.token}`, 'content-type': 'application/json' };
    if (!chunked) headers['content-length'] = size;
    const req = httpRequest({ host: url.hostname, port: url.port, path, method: 'POST', headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(parts).toString('utf8')) }));
      res.on('error', (error) => resolve({ failed: String(error) }));
    });
    req.on('error', (error) => resolve({ failed: String(error) }));
    if (!chunked) return void req.end(body);
    Readable.from(chunks(body)).pipe(req);
  });

const withCurl: Send = (size, chunked) =>
  new Promise((resolve) => {
    const args = ['-s', '-S', '-X', 'POST', t.url + path, '-H', `authorization: Bearer ${ada.token}`, '-H', 'content-type: application/json'];
    if (chunked) args.push('-H', 'transfer-encoding: chunked');
    args.push('--data-binary', `@${join(files, String(size))}`, '-w', '\n%{http_code}');
    execFile('curl', args, { maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      const lines = stdout.trimEnd().split('\n');
      const status = Number(lines.pop());
      if (error || !status) return resolve({ failed: `curl exited ${(error as { code?: number } | null)?.code}: ${stderr}` });
      resolve({ status, body: JSON.parse(lines.join('\n')) });
    });
  });

function* chunks(body: Buffer, size = 64 * 1024): Generator<Buffer> {
  for (let offset = 0; offset < body.length; offset += size) yield body.subarray(offset, offset + size);
}

function expectReadable400(outcome: Outcome, label: string) {
  expect(outcome, label).toEqual({ status: 400, body: { type: 'bad_request', message: LIMIT_MESSAGE } });
  assertMatchesContract(path, 'POST', 400, (outcome as { body: unknown }).body);
}

const clients: [string, Send][] = [
  ['fetch', withFetch],
  ['node:http', withNodeHttp],
  ['curl', withCurl],
];

describe('a request body over 1 MiB', () => {
  it('is read to its end before the 400, so a client still sending never sees EPIPE', async () => {
    // A client that sends the rest of the body slowly, after the server has seen the limit
    // pass: every write must succeed, and exactly one answer, the 400, must come back.
    const url = new URL(t.url);
    const socket = connect(Number(url.port), url.hostname);
    const received: Buffer[] = [];
    let writeError: Error | undefined;
    socket.on('data', (part: Buffer) => received.push(part));
    socket.on('error', (error) => (writeError ??= error));
    const closed = new Promise((resolve) => socket.on('close', resolve));
    const write = (data: string | Buffer) => new Promise<void>((resolve) => socket.write(data, () => resolve()));
    const rest = Buffer.alloc(64 * 1024, 'x');
    const size = MiB + 1 + 32 * rest.length;
    await write(`POST ${path} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${ada.token}\r\nContent-Length: ${size}\r\n\r\n`);
    await write(payload.subarray(0, MiB + 1));
    for (let i = 0; i < 32 && !writeError; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      await write(rest);
    }
    await closed;
    expect(writeError).toBeUndefined();
    const text = Buffer.concat(received).toString('utf8');
    expect(text.match(/HTTP\/1\.1 /g)).toHaveLength(1);
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expect(text).toMatch(/connection: close/i);
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toEqual({ type: 'bad_request', message: LIMIT_MESSAGE });
  });

  for (const [client, send] of clients) {
    for (const chunked of [false, true]) {
      const how = chunked ? 'chunked' : 'with Content-Length';
      it(`is answered 400 bad_request naming the limit, read by ${client} (${how}), up to 16 MiB`, async () => {
        const before = await t.snapshot();
        for (const size of READABLE_SIZES) expectReadable400(await send(size, chunked), `${size} bytes`);
        expect(await t.snapshot()).toBe(before);
      });

      it(`past 16 MiB ends with the 400 or a closed connection, and the server carries on (${client}, ${how})`, async () => {
        const before = await t.snapshot();
        const outcome = await send(BEYOND_BOUND, chunked);
        if ('status' in outcome) expectReadable400(outcome, 'beyond the bound');
        else expect(outcome.failed).toMatch(/EPIPE|ECONNRESET|socket|other side closed|curl exited (55|56)|terminated/i);
        const after = await t.as(ada).get('/dev-users.self');
        expect(after.status).toBe(200);
        expect(await t.snapshot()).toBe(before);
      });
    }
  }
});
