import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { useServer } from './helpers/server.js';

const api = useServer();

describe('authentication', () => {
  it('accepts "Bearer <token>" and the bare token', async () => {
    const ada = await api.given.org();
    expect((await api.client(`Bearer ${ada.token}`).get('/dev-users.self')).status).toBe(200);
    expect((await api.client(`bearer ${ada.token}`).get('/dev-users.self')).status).toBe(200);
    expect((await api.client(ada.token).get('/dev-users.self')).status).toBe(200);
  });

  it.each([
    ['no Authorization header', undefined],
    ['an empty header', ''],
    ['"Bearer" alone', 'Bearer '],
    ['an unknown token', 'Bearer cfb_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['a malformed token', 'Bearer <not a token>'],
    ['a huge header', `Bearer ${'a'.repeat(6000)}`],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
  ])('returns 401 unauthenticated for %s', async (_label, authorization) => {
    const res = await api.client(authorization).post('/chats.create', { type: 'dm', users: ['DEVU-1'] });
    expect(res.status).toBe(401);
    expect(res.body.type).toBe('unauthenticated');
  });

  it('returns 401 for an expired token', async () => {
    const ada = await api.given.org();
    const { issueToken } = await import('../src/domain/tokens.js');
    const { secret } = await issueToken(api.server.store, ada.user, '2020-01-01T00:00:00.000Z');
    const res = await api.client(`Bearer ${secret}`).get('/dev-users.self');
    expect(res.status).toBe(401);
    expect(res.body.type).toBe('unauthenticated');
  });

  it('authenticates before it validates the body', async () => {
    const res = await api.client().request('POST', '/chats.create', '{not json');
    expect(res.status).toBe(401);
  });
});

describe('dev-users.self', () => {
  it('answers GET and POST with the caller as a DevRev dev-user', async () => {
    const ada = await api.given.org();
    for (const res of [await api.as(ada).get('/dev-users.self'), await api.as(ada).post('/dev-users.self', {})]) {
      expect(res.status).toBe(200);
      expect(res.body.dev_user).toMatchObject({
        type: 'dev_user',
        id: ada.id,
        display_id: ada.displayId,
        email: ada.user.email,
        state: 'active',
      });
    }
  });

  it('returns 403 forbidden to a rev user', async () => {
    const ada = await api.given.org();
    const carol = await api.given.user(ada, 'rev_user');
    const res = await api.as(carol).get('/dev-users.self');
    expect(res.status).toBe(403);
    expect(res.body.type).toBe('forbidden');
  });
});

describe('errors', () => {
  it('returns 400 parse_error for malformed JSON', async () => {
    const ada = await api.given.org();
    for (const raw of ['{"type": "dm",', 'nul', '{"a":1}}', '\u0000']) {
      const res = await api.as(ada).request('POST', '/chats.create', raw);
      expect(res.status).toBe(400);
      expect(res.body.type).toBe('parse_error');
    }
  });

  it('refuses prototype-poisoning JSON with 400 parse_error', async () => {
    const ada = await api.given.org();
    const res = await api.as(ada).request('POST', '/chats.create', '{"type":"dm","users":["DEVU-1"],"__proto__":{"admin":true}}');
    expect(res.status).toBe(400);
    expect(res.body.type).toBe('parse_error');
  });

  it('reads a body sent without a JSON content type as JSON', async () => {
    const ada = await api.given.org();
    const res = await api.as(ada).request('POST', '/chats.create', JSON.stringify({ type: 'dm', users: [ada.id] }), {
      'content-type': 'text/plain',
    });
    expect(res.status).toBe(201);
  });

  it('returns 400 bad_request for a body over 1 MiB', async () => {
    const ada = await api.given.org();
    const res = await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id], title: 'x'.repeat(1_100_000) });
    expect(res.status).toBe(400);
    expect(res.body.type).toBe('bad_request');
  });

  it('returns 404 not_found for an unknown route or method', async () => {
    const ada = await api.given.org();
    const unknown = await api.as(ada).get('/chats.delete');
    expect(unknown.status).toBe(404);
    expect(unknown.body.type).toBe('not_found');
    const wrongMethod = await api.as(ada).get('/chats.create');
    expect(wrongMethod.status).toBe(404);
    expect(wrongMethod.body.type).toBe('not_found');
  });

  it('returns 500 internal_error with a reference_id that the log carries with the stack', async () => {
    const ada = await api.given.org();
    const created = await api.as(ada).post('/chats.create', { type: 'dm', users: [ada.id] });
    // Corrupt the stored row behind Confab's back, as a bad disk or a bad manual edit would.
    const db = new Database(api.databaseFile);
    db.prepare('UPDATE chats SET custom_fields = ? WHERE org_id = ?').run('{broken', ada.org.id);
    db.close();
    const res = await api.as(ada).get('/chats.get', { id: created.body.chat.id });
    expect(res.status).toBe(500);
    expect(res.body.type).toBe('internal_error');
    expect(res.body.reference_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts|SyntaxError/);
    const line = api.logs.find((entry) => entry.reference_id === res.body.reference_id);
    expect(line).toBeDefined();
    expect((line!.err as { stack: string }).stack).toContain('SyntaxError');
  });

  it('echoes a sane X-Request-Id and makes one up otherwise', async () => {
    const given = await api.client().request('GET', '/health', undefined, { 'x-request-id': 'trace-123' });
    expect(given.headers.get('x-request-id')).toBe('trace-123');
    const made = await api.client().request('GET', '/health', undefined, { 'x-request-id': 'bad id\twith tabs' });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers /health with 200 without authentication', async () => {
    const res = await api.client().get('/health');
    expect(res.status).toBe(200);
  });
});
