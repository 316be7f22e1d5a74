import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertMatchesContract } from './helpers/contract.js';
import { useServer, type Person } from './helpers/server.js';

const t = useServer();
let ada: Person;
let bob: Person;

beforeAll(async () => {
  ada = await t.given.org();
  bob = await t.given.user(ada);
});

/** Raw HTTP, for requests fetch would refuse to send or a body it would re-encode. */
function rawRequest(path: string, headers: Record<string, string>, body?: Buffer | string) {
  return new Promise<{ status: number; body: any }>((resolve, reject) => {
    const url = new URL(t.url + path);
    const req = httpRequest({ host: url.hostname, port: url.port, path, method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('request limits', () => {
  it('answers 400 bad_request to a body over 1 MiB and stores nothing', async () => {
    const before = await t.snapshot();
    const title = 'x'.repeat(1024 * 1024 + 1);
    const response = await t.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id], title });
    expect(response.status).toBe(400);
    expect(response.body.type).toBe('bad_request');
    expect(await t.snapshot()).toBe(before);
  });

  it('answers 400 bad_request with a DevRev body to headers over 16 KiB', async () => {
    const response = await rawRequest('/chats.get', { authorization: `Bearer ${ada.token}`, 'x-padding': 'a'.repeat(20_000) }, '{}');
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ type: 'bad_request', message: 'the request headers are too large (at most 16 KiB)' });
    assertMatchesContract('/chats.get', 'POST', 400, response.body);
  });

  it('answers 400 bad_request to JSON nested deeper than 32 levels', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const response = await t
      .as(ada)
      .request('POST', '/chats.create', `{"type":"dm","users":["${ada.id}"],"custom_fields":{"a":${deep}}}`);
    expect(response.status).toBe(400);
    expect(response.body.type).toBe('bad_request');
    expect(response.body.message).toMatch(/nested more than 32 levels/);
  });

  it('accepts custom fields nested 30 levels deep', async () => {
    let value: unknown = 'leaf';
    for (let i = 0; i < 29; i++) value = { v: value };
    const response = await t.as(ada).post('/chats.create', { type: 'dm', users: [ada.id], is_default: false, custom_fields: { a: value } });
    expect(response.status).toBe(201);
  });

  it('answers 400 invalid_field for a title over 1024 characters', async () => {
    const response = await t.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id], title: 'x'.repeat(1025) });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ type: 'invalid_field', field_name: 'title' });
  });

  it('answers 400 invalid_field for more than 16 users', async () => {
    const users = Array.from({ length: 17 }, (_, i) => `DEVU-${i + 1}`);
    const response = await t.as(ada).post('/chats.create', { type: 'dm', users });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ type: 'invalid_field', field_name: 'users' });
  });

  it('answers 400 invalid_field for custom fields over 16 KiB', async () => {
    const response = await t
      .as(ada)
      .post('/chats.create', { type: 'dm', users: [ada.id], is_default: false, custom_fields: { big: 'x'.repeat(17 * 1024) } });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ type: 'invalid_field', field_name: 'custom_fields' });
  });

  it('answers 400 parse_error to a body that is not UTF-8 JSON', async () => {
    const body = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]);
    const response = await rawRequest('/chats.get', { authorization: `Bearer ${ada.token}`, 'content-type': 'application/json' }, body);
    expect(response.status).toBe(400);
    assertMatchesContract('/chats.get', 'POST', 400, response.body);
  });

  it('answers 400 bad_request to a Content-Length the body does not have', async () => {
    const response = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const url = new URL(t.url);
      const socket = connect(Number(url.port), url.hostname);
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('end', () => resolve({ status: Number(text.split(' ')[1]), text }));
      socket.on('error', reject);
      socket.end('POST /chats.get HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}');
    });
    expect(response.status).toBe(400);
    const body = JSON.parse(response.text.slice(response.text.indexOf('\r\n\r\n') + 4));
    expect(body.type).toBe('bad_request');
  });
});
