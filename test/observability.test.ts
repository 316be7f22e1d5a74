import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/http/app.js';
import { useServer } from './helpers/server.js';

const test = useServer();

async function scrape(): Promise<string> {
  const response = await fetch(`${test.url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

/** The value of one sample line, or undefined when the series does not exist. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  it('counts requests per operation, method and status, with a latency histogram', async () => {
    const admin = await test.given.org();
    expect((await test.as(admin).get('/dev-users.self')).status).toBe(200);
    expect((await test.as(admin).get('/dev-users.self')).status).toBe(200);
    expect((await test.client('Bearer nope-nope').post('/chats.get', { id: 'CHAN-1' })).status).toBe(401);
    const text = await scrape();
    expect(sample(text, 'confab_http_requests_total{operation="dev-users.self",method="GET",status="200"}')).toBe(2);
    expect(sample(text, 'confab_http_requests_total{operation="chats.get",method="POST",status="401"}')).toBe(1);
    expect(sample(text, 'confab_http_request_duration_seconds_count{operation="dev-users.self",method="GET",status="200"}')).toBe(2);
    expect(sample(text, 'confab_http_request_duration_seconds_bucket{le="+Inf",operation="chats.get",method="POST",status="401"}')).toBe(1);
  });

  it('labels unknown paths as one series, so scanners cannot blow up the series count', async () => {
    for (const path of ['/nope-1', '/nope-2']) expect((await fetch(`${test.url}${path}`)).status).toBe(404);
    const text = await scrape();
    expect(sample(text, 'confab_http_requests_total{operation="unmatched",method="GET",status="404"}')).toBe(2);
    expect(text).not.toContain('nope-1');
  });

  it('reports the database and the event loop', async () => {
    const text = await scrape();
    expect(sample(text, 'confab_database_up')).toBe(1);
    expect(sample(text, 'confab_database_pending_migrations')).toBe(0);
    expect(sample(text, 'confab_database_ping_seconds')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    expect(text).toContain('# TYPE nodejs_heap_size_used_bytes gauge');
  });
});

describe('GET /health and GET /ready', () => {
  it('/health answers while the process is alive', async () => {
    const response = await test.client().get('/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('/ready answers 200 when the database is reachable and migrated', async () => {
    const response = await test.client().get('/ready');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ready' });
  });
});

describe('request ids', () => {
  it('every response carries X-Request-Id, and the request\'s log lines carry the same id', async () => {
    const response = await test.client().post('/chats.get', { id: 'CHAN-1' });
    expect(response.status).toBe(401);
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const lines = test.logs.filter((line) => line.reqId === id);
    // One line per request (see the benchmark): method, url and status all in it.
    expect(lines.map((line) => line.msg)).toEqual(['request completed']);
    expect(lines[0]).toMatchObject({ reqId: id, req: { method: 'POST', url: '/chats.get' }, res: { statusCode: 401 } });
  });

  it('keeps a sane caller-sent X-Request-Id, and replaces one that is not', async () => {
    const kept = await test.client().request('GET', '/health', undefined, { 'x-request-id': 'trace-abc.123' });
    expect(kept.headers.get('x-request-id')).toBe('trace-abc.123');
    const replaced = await test.client().request('GET', '/health', undefined, { 'x-request-id': 'bad id <script>' });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('request log lines', () => {
  it('carry the path and the names of GET query parameters, never their values', async () => {
    const admin = await test.given.org();
    const response = await test
      .as(admin)
      .request('GET', '/search.core?query=merger%20codename%20bluebird&limit=5&query=ada%40example.com&empty=');
    const line = test.logs.find((candidate) => candidate.reqId === response.headers.get('x-request-id'));
    expect(line).toMatchObject({ req: { method: 'GET', url: '/search.core?query&limit&empty' } });
    const logged = JSON.stringify(test.logs);
    for (const value of ['bluebird', 'merger', 'ada%40example.com', 'ada@example.com']) expect(logged).not.toContain(value);
  });
});

describe('GET /ready when not ready', () => {
  const lines: string[] = [];
  async function readyWith(readiness: () => Promise<string[]>) {
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const app = await buildApp({ store: test.server.store, logger, readiness });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { port } = app.server.address() as { port: number };
      const response = await fetch(`http://127.0.0.1:${port}/ready`);
      return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() };
    } finally {
      await app.close();
    }
  }

  it('is 503 service_unavailable, naming the migrations to apply', async () => {
    const response = await readyWith(async () => ['0002_next']);
    expect(response.status).toBe(503);
    expect(response.retryAfter).toBe('5');
    expect(response.body).toEqual({ type: 'service_unavailable', message: 'migrations not applied: 0002_next; run `confab migrate`' });
  });

  it('is 503 service_unavailable when the database does not answer', async () => {
    const response = await readyWith(async () => {
      throw new Error('connect ECONNREFUSED db.internal:5432 as user confab');
    });
    expect(response.status).toBe(503);
    // The details are for the operator's log, not for anyone who can reach /ready.
    expect(response.body).toEqual({ type: 'service_unavailable', message: 'the database is unreachable' });
    expect(lines.join('\n')).toContain('connect ECONNREFUSED db.internal:5432 as user confab');
  });
});
