import { describe, expect, it } from 'vitest';
import { useServer, type Person, type TestServer } from './helpers/server.js';

const on = useServer({ faults: true });
const off = useServer();

function selfWithFault(t: TestServer, who: Person, fault: string) {
  return t.as(who).request('GET', '/dev-users.self', undefined, { 'x-confab-fault': fault });
}

/** A client that retries 429 and 503 after retry_after / Retry-After, as DevRev's SDKs should. */
async function retrying(send: () => Promise<{ status: number; headers: Headers; body: any }>, attempts = 4) {
  const seen: number[] = [];
  for (let attempt = 1; ; attempt++) {
    const response = await send();
    seen.push(response.status);
    if ((response.status !== 429 && response.status !== 503) || attempt === attempts) return { response, seen };
    const wait = Number(response.body.retry_after ?? response.headers.get('retry-after'));
    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
  }
}

describe('X-Confab-Fault', () => {
  it('fails one request with 429 too_many_requests, its retry_after and Retry-After', async () => {
    const ada = await on.given.org();
    const response = await selfWithFault(on, ada, '429; retry_after=7');
    expect(response.status).toBe(429);
    expect(response.body).toEqual({ type: 'too_many_requests', message: expect.any(String), retry_after: 7 });
    expect(response.headers.get('retry-after')).toBe('7');
    expect(response.headers.get('x-ratelimit-remaining')).toBe('0');
    expect((await on.as(ada).get('/dev-users.self')).status).toBe(200);
  });

  it('fails one request with 503 service_unavailable and Retry-After', async () => {
    const ada = await on.given.org();
    const response = await selfWithFault(on, ada, '503');
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ type: 'service_unavailable', message: expect.any(String) });
    expect(response.headers.get('retry-after')).toBe('1');
  });

  it('fails one request with 500 internal_error and a reference_id', async () => {
    const ada = await on.given.org();
    const response = await selfWithFault(on, ada, '500');
    expect(response.status).toBe(500);
    expect(response.body.type).toBe('internal_error');
    expect(response.body.reference_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('delays a request by delay_ms and then answers it', async () => {
    const ada = await on.given.org();
    const started = Date.now();
    const response = await selfWithFault(on, ada, 'delay_ms=300');
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('answers 400 bad_request to a header it cannot read', async () => {
    const ada = await on.given.org();
    for (const fault of ['418', 'soon', '429; retry_after=0', 'delay_ms=999999999', '']) {
      const response = await selfWithFault(on, ada, fault);
      expect(response.status, fault).toBe(400);
      expect(response.body.type).toBe('bad_request');
    }
  });

  it('is ignored when faults are off', async () => {
    const ada = await off.given.org();
    expect((await selfWithFault(off, ada, '503')).status).toBe(200);
  });
});

describe('confab.faults.set|list|clear', () => {
  it('fails the next N calls of an operation, which a retrying client rides out', async () => {
    const ada = await on.given.org();
    const set = await on.as(ada).post('/confab.faults.set', { rules: [{ operation: 'dev-users.self', status: 503, count: 2 }] });
    expect(set.status).toBe(200);
    const { response, seen } = await retrying(() => on.as(ada).get('/dev-users.self'));
    expect(seen).toEqual([503, 503, 200]);
    expect(response.body.dev_user.id).toBe(ada.id);
    expect((await on.as(ada).get('/confab.faults.list')).body).toEqual({ rules: [] });
  });

  it('fails a fraction of calls of every operation with *', async () => {
    const ada = await on.given.org();
    await on.as(ada).post('/confab.faults.set', { rules: [{ operation: '*', status: 429, retry_after: 3, rate: 1 }] });
    const refused = await on.as(ada).post('/chats.get', { id: 'CHAN-1' });
    expect(refused.status).toBe(429);
    expect(refused.body.retry_after).toBe(3);
    expect((await on.as(ada).get('/confab.faults.list')).body.rules).toHaveLength(1);
    await on.as(ada).post('/confab.faults.set', { rules: [{ operation: '*', status: 429, rate: 0 }] });
    expect((await on.as(ada).get('/dev-users.self')).status).toBe(200);
    expect((await on.as(ada).post('/confab.faults.clear', {})).body).toEqual({ rules: [] });
  });

  it('answers 403 forbidden to a token that is not an admin', async () => {
    const ada = await on.given.org();
    const bob = await on.given.user(ada);
    const response = await on.as(bob).post('/confab.faults.set', { rules: [] });
    expect(response.status).toBe(403);
    expect(response.body.type).toBe('forbidden');
    expect((await on.as(bob).get('/confab.faults.list')).status).toBe(403);
  });

  it('answers 400 to rules with neither status nor delay, or an unknown status', async () => {
    const ada = await on.given.org();
    const missing = await on.as(ada).post('/confab.faults.set', { rules: [{ operation: '*' }] });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ type: 'missing_required_field', field_name: 'rules[0].status' });
    const unknown = await on.as(ada).post('/confab.faults.set', { rules: [{ operation: '*', status: 404 }] });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ type: 'invalid_enum_value', field_name: 'rules[0].status' });
  });

  it('does not exist when faults are off', async () => {
    const ada = await off.given.org();
    const response = await off.as(ada).post('/confab.faults.set', { rules: [] });
    expect(response.status).toBe(404);
    expect(response.body.type).toBe('not_found');
  });
});

describe('faults stay within their organization', () => {
  it('a rule of one org fails its own callers only', async () => {
    const ada = await on.given.org();
    const eve = await on.given.org();
    expect((await on.as(ada).post('/confab.faults.set', { rules: [{ operation: '*', status: 503, rate: 1 }] })).status).toBe(200);
    expect((await on.as(ada).get('/dev-users.self')).status).toBe(503);
    expect((await on.as(eve).get('/dev-users.self')).status).toBe(200);
    expect((await on.as(eve).get('/confab.faults.list')).body).toEqual({ rules: [] });
    await on.as(ada).post('/confab.faults.clear', {});
  });

  it('keeps rules in the database, where every process on it reads them', async () => {
    const ada = await on.given.org();
    const rules = [{ operation: 'chats.get', status: 429, count: 3 }];
    await on.as(ada).post('/confab.faults.set', { rules });
    const rows = await on.executeBehindItsBack('SELECT rules FROM fault_rules WHERE org_id = ?', [ada.org.id]);
    expect(rows.map((row) => JSON.parse(String(row.rules)))).toEqual([rules]);
    // A count is spent in the database too.
    expect((await on.as(ada).post('/chats.get', { id: 'CHAT-1' })).status).toBe(429);
    expect((await on.as(ada).get('/confab.faults.list')).body.rules).toEqual([{ operation: 'chats.get', status: 429, count: 2 }]);
    await on.as(ada).post('/confab.faults.clear', {});
  });

  it('ignores X-Confab-Fault without a valid token', async () => {
    const response = await on.client().request('GET', '/dev-users.self', undefined, { 'x-confab-fault': '503; delay_ms=3000' });
    expect(response.status).toBe(401);
    expect(response.body.type).toBe('unauthenticated');
    const bogus = await on.client('Bearer cfb_nope').request('GET', '/dev-users.self', undefined, { 'x-confab-fault': 'nonsense' });
    expect(bogus.status).toBe(401);
  });
});
