import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfabApiError, ConfabClient, ConfabTransportError } from '../src/index.js';
import { OPERATIONS } from '../src/schema/operations.js';
import { useServer } from './helpers/server.js';

const test = useServer();

describe('ConfabClient against a real server', () => {
  it('knows every JSON operation the server answers, by the schemas its routes use', async () => {
    const doc = (await (await fetch(`${test.url}/openapi.json`)).json()) as { paths: Record<string, { post?: unknown }> };
    // Paths that are not JSON operations: the stream, raw bytes, operations and the emulator's reset.
    const notOperations = new Set(['/events.stream', '/health', '/ready', '/metrics']);
    const served = Object.keys(doc.paths)
      .filter((path) => doc.paths[path]!.post && !notOperations.has(path) && !path.startsWith('/artifacts.upload') && !path.startsWith('/artifacts.download'))
      .map((path) => path.slice(1))
      .sort();
    // Emulator operations (confab.*) are served only in emulator mode or behind their flag.
    const always = Object.keys(OPERATIONS).filter((name) => !name.startsWith('confab.')).sort();
    expect(served.filter((name) => !name.startsWith('confab.'))).toEqual(always);
    for (const name of served) expect(Object.keys(OPERATIONS)).toContain(name);
  });

  it('calls any operation by name with the types of its schemas', async () => {
    const ada = await test.given.org();
    const client = new ConfabClient({ baseUrl: test.url, token: ada.token });
    const { group } = await client.call('groups.create', { name: 'crew', description: 'typed' });
    const listed = await client.call('groups.list', {});
    expect(listed.groups.map((item) => item.id)).toContain(group.id);
  });

  it('calls operations with typed bodies and results', async () => {
    const ada = await test.given.org();
    const bob = await test.given.user(ada);
    const client = new ConfabClient({ baseUrl: test.url, token: ada.token });
    const self = await client.devUsers.self();
    expect(self.dev_user.id).toBe(ada.id);
    const { chat } = await client.chats.create({ type: 'dm', users: [ada.id, bob.displayId], title: 'hi' });
    expect((await client.chats.get({ id: chat.display_id })).chat.title).toBe('hi');
  });

  it('throws ConfabApiError carrying the DevRev error body, status and request id', async () => {
    const ada = await test.given.org();
    const client = new ConfabClient({ baseUrl: test.url, token: ada.token });
    const error = await client.chats.get({ id: 'CHAN-999' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfabApiError);
    expect(error).toMatchObject({ status: 404, type: 'not_found', operation: 'chats.get' });
    expect((error as ConfabApiError).requestId).toMatch(/^[0-9a-f-]{36}$/);

    const missing = await client.chats.update({} as never).catch((caught: unknown) => caught);
    expect(missing).toMatchObject({ status: 400, type: 'missing_required_field', fieldName: 'id' });
  });

  it('throws 401 unauthenticated for a bad token, without retrying', async () => {
    const error = await new ConfabClient({ baseUrl: test.url, token: 'not-a-token' }).devUsers.self().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 401, type: 'unauthenticated' });
  });

  it('throws ConfabTransportError when nothing listens', async () => {
    const error = await new ConfabClient({ baseUrl: 'http://127.0.0.1:9' }).devUsers.self().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfabTransportError);
  });
});

/**
 * A real HTTP hop in front of the real server that answers the first `failures` requests
 * with a rate-limit or overload error, the way a busy Confab or DevRev would.
 */
describe('ConfabClient retries', () => {
  let proxy: Server;
  let proxyUrl: string;
  let plan: { failures: number; status: number; body: object; headers: Record<string, string> };
  let seen = 0;

  beforeAll(async () => {
    proxy = createServer(async (request, response) => {
      seen++;
      if (plan.failures > 0) {
        plan.failures--;
        response.writeHead(plan.status, { 'content-type': 'application/json', ...plan.headers }).end(JSON.stringify(plan.body));
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const upstream = await fetch(test.url + request.url, {
        method: request.method,
        headers: { 'content-type': 'application/json', authorization: String(request.headers.authorization ?? '') },
        body: Buffer.concat(chunks),
      });
      response.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => proxy.close(() => resolve())));

  const rateLimited = (failures: number, retryAfter: number) => ({
    failures,
    status: 429,
    body: { type: 'too_many_requests', message: 'slow down', retry_after: retryAfter },
    headers: { 'retry-after': String(retryAfter) },
  });

  async function clientWithRecordedWaits(retry?: ConstructorParameters<typeof ConfabClient>[0]['retry']) {
    const ada = await test.given.org();
    const waits: number[] = [];
    const client = new ConfabClient({ baseUrl: proxyUrl, token: ada.token, retry, sleep: async (ms) => void waits.push(ms) });
    seen = 0;
    return { client, waits };
  }

  it('retries 429 after the body\'s retry_after, then succeeds', async () => {
    const { client, waits } = await clientWithRecordedWaits();
    plan = rateLimited(2, 1);
    expect((await client.devUsers.self()).dev_user.type).toBe('dev_user');
    expect(waits).toEqual([1000, 1000]);
    expect(seen).toBe(3);
  });

  it('retries 503 after the Retry-After header when the body names no wait', async () => {
    const { client, waits } = await clientWithRecordedWaits();
    plan = { failures: 1, status: 503, body: { type: 'service_unavailable', message: 'draining' }, headers: { 'retry-after': '2' } };
    expect((await client.devUsers.self()).dev_user.type).toBe('dev_user');
    expect(waits).toEqual([2000]);
  });

  it('gives up after maxRetries and throws the last 429', async () => {
    const { client, waits } = await clientWithRecordedWaits({ maxRetries: 2 });
    plan = rateLimited(5, 1);
    const error = await client.devUsers.self().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 429, type: 'too_many_requests' });
    expect(seen).toBe(3);
    expect(waits).toEqual([1000, 1000]);
  });

  it('does not wait past its budget: a 30 s retry_after against a 10 s budget fails at once', async () => {
    const { client, waits } = await clientWithRecordedWaits({ budgetMs: 10_000 });
    plan = rateLimited(1, 30);
    const error = await client.devUsers.self().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 429 });
    expect(waits).toEqual([]);
    expect(seen).toBe(1);
  });
});
