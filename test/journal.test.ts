import { describe, expect, it } from 'vitest';
import { useServer, type Person, type TestServer } from './helpers/server.js';

const t = useServer({ journal: true });
const off = useServer();
const small = useServer({ journal: true, journalMaxEntries: 5 });
const tiny = useServer({ journal: true, journalMaxBytes: 200 * 1024 });

const list = (server: TestServer, admin: Person, body: object = {}) => server.as(admin).post('/confab.requests.list', body);

async function orgWithMember(server: TestServer) {
  const admin = await server.given.org();
  const member = await server.given.user(admin);
  return { admin, member };
}

describe('the request journal', () => {
  it('records a request: operation, method, path, status, caller, bodies and the events it caused', async () => {
    const { admin, member } = await orgWithMember(t);
    const created = await t.as(member).post('/chats.create', { type: 'dm', users: [member.id, admin.displayId], title: 'Q3' });
    expect(created.status).toBe(201);

    const response = await list(t, admin, { operation: 'chats.create' });
    expect(response.status).toBe(200);
    expect(response.body.requests).toHaveLength(1);
    const [entry] = response.body.requests;
    expect(entry).toEqual({
      id: created.headers.get('x-request-id'),
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      operation: 'chats.create',
      method: 'POST',
      path: '/chats.create',
      status: 201,
      duration_ms: expect.any(Number),
      caller: {
        id: member.id,
        display_id: member.displayId,
        token_id: expect.stringMatching(new RegExp(`^don:identity:dvrv-us-1:devo/${admin.org.slug}:token/\\d+$`)),
      },
      request_body: { type: 'dm', users: [member.id, admin.displayId], title: 'Q3' },
      request_body_truncated: false,
      response_body: created.body,
      response_body_truncated: false,
      events: [expect.stringMatching(new RegExp(`^don:integration:dvrv-us-1:devo/${admin.org.slug}:webhook_event/[A-Za-z0-9_-]{22}$`))],
    });
  });

  it('never stores the Authorization header or the token', async () => {
    const { admin, member } = await orgWithMember(t);
    await t.as(member).get('/dev-users.self');
    const text = JSON.stringify((await list(t, admin)).body);
    expect(text).not.toContain(member.token);
    expect(text).not.toContain(admin.token);
    expect(text.toLowerCase()).not.toContain('authorization');
  });

  it('records GET requests with their query, and failed requests with their error body', async () => {
    const { admin, member } = await orgWithMember(t);
    const missing = await t.as(member).get('/chats.get', { id: 'CHAN-999' });
    expect(missing.status).toBe(404);
    const [entry] = (await list(t, admin, { status: 404 })).body.requests;
    expect(entry).toMatchObject({
      operation: 'chats.get',
      method: 'GET',
      status: 404,
      request_body: { id: 'CHAN-999' },
      response_body: { type: 'not_found' },
      events: [],
    });
  });

  it('lists newest first and filters by user, request id, since and a JSON subset of the body', async () => {
    const { admin, member } = await orgWithMember(t);
    const before = new Date().toISOString();
    await t.as(admin).post('/chats.create', { type: 'dm', users: [admin.id], title: 'solo' });
    const second = await t.as(member).post('/chats.create', { type: 'dm', users: [member.id, admin.id], title: 'pair' });

    const all = (await list(t, admin, { operation: 'chats.create', since: before })).body.requests;
    expect(all.map((entry: any) => entry.request_body.title)).toEqual(['pair', 'solo']);
    const byUser = (await list(t, admin, { user: member.displayId, operation: 'chats.create' })).body.requests;
    expect(byUser.map((entry: any) => entry.request_body.title)).toEqual(['pair']);
    const byId = (await list(t, admin, { request_id: second.headers.get('x-request-id') })).body.requests;
    expect(byId).toHaveLength(1);
    const byBody = await list(t, admin, { request_body: { users: [admin.id], title: 'pair' } });
    expect(byBody.body.requests.map((entry: any) => entry.request_body.title)).toEqual(['pair']);
    expect((await list(t, admin, { request_body: { title: 'nobody sent this' } })).body.requests).toEqual([]);
    expect((await list(t, admin, { since: new Date(Date.now() + 60_000).toISOString() })).body.requests).toEqual([]);
  });

  it('counts with the same filters', async () => {
    const { admin, member } = await orgWithMember(t);
    for (let i = 0; i < 3; i++) await t.as(member).get('/dev-users.self');
    const response = await t.as(admin).post('/confab.requests.count', { operation: 'dev-users.self', user: member.id });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ count: 3 });
  });

  it('pages with signed cursors, newest first, each entry once', async () => {
    const { admin, member } = await orgWithMember(t);
    for (let i = 0; i < 5; i++) await t.as(member).post('/chats.create', { type: 'dm', users: [member.id], title: `c${i}`, is_default: false });
    const titles: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await list(t, admin, { operation: 'chats.create', limit: 2, ...(cursor && { cursor }) });
      expect(page.status).toBe(200);
      titles.push(...page.body.requests.map((entry: any) => entry.request_body.title));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(titles).toEqual(['c4', 'c3', 'c2', 'c1', 'c0']);
  });

  it('refuses a forged cursor, or one of another organization, with 400 invalid_field', async () => {
    const one = await orgWithMember(t);
    const other = await orgWithMember(t);
    for (let i = 0; i < 3; i++) await t.as(one.member).get('/dev-users.self');
    const page = await list(t, one.admin, { limit: 1 });
    const foreign = await list(t, other.admin, { cursor: page.body.next_cursor });
    expect(foreign.status).toBe(400);
    expect(foreign.body).toMatchObject({ type: 'invalid_field', field_name: 'cursor' });
    const forged = await list(t, one.admin, { cursor: `${page.body.next_cursor}x` });
    expect(forged.status).toBe(400);
    expect(forged.body.type).toBe('invalid_field');
  });

  it('clears the caller organization\'s entries only', async () => {
    const one = await orgWithMember(t);
    const other = await orgWithMember(t);
    await t.as(one.member).get('/dev-users.self');
    await t.as(other.member).get('/dev-users.self');
    const cleared = await t.as(one.admin).post('/confab.requests.clear', {});
    expect(cleared.status).toBe(200);
    expect(cleared.body.cleared).toBeGreaterThan(0);
    expect((await t.as(one.admin).post('/confab.requests.count', {})).body.count).toBe(0);
    expect((await t.as(other.admin).post('/confab.requests.count', { operation: 'dev-users.self' })).body.count).toBe(1);
  });

  it('keeps tenants apart: an admin sees only requests made in their organization', async () => {
    const one = await orgWithMember(t);
    const other = await orgWithMember(t);
    await t.as(other.member).post('/chats.create', { type: 'dm', users: [other.member.id], title: 'secret' });
    const seen = JSON.stringify((await list(t, one.admin, { limit: 100 })).body);
    expect(seen).not.toContain('secret');
    expect(seen).not.toContain(other.admin.org.slug);
  });

  it('is for admins: a member gets 403 forbidden', async () => {
    const { member } = await orgWithMember(t);
    const response = await list(t, member);
    expect(response.status).toBe(403);
    expect(response.body.type).toBe('forbidden');
  });

  it('caps each body at 64 KB with a truncated flag', async () => {
    const { admin, member } = await orgWithMember(t);
    const chat = await t.as(member).post('/chats.create', { type: 'dm', users: [member.id], is_default: false });
    const long = 'x'.repeat(70_000);
    const response = await t.as(member).post('/chats.update', { id: chat.body.chat.id, custom_fields: { note: long } });
    const [entry] = (await list(t, admin, { operation: 'chats.update' })).body.requests;
    expect(entry.status).toBe(response.status);
    expect(entry.request_body_truncated).toBe(true);
    expect(typeof entry.request_body).toBe('string');
    expect(Buffer.byteLength(entry.request_body)).toBeLessThanOrEqual(64 * 1024);
  });

  describe('bad filters are 400s', () => {
    const cases: [string, object, string, string][] = [
      ['a limit above 100', { limit: 101 }, 'limit', 'invalid_field'],
      ['a limit of 0', { limit: 0 }, 'limit', 'invalid_field'],
      ['a status that is no HTTP status', { status: 42 }, 'status', 'invalid_field'],
      ['a since that is no timestamp', { since: 'yesterday' }, 'since', 'invalid_field'],
      ['an operation that is no operation name', { operation: 'DROP TABLE' }, 'operation', 'invalid_field'],
      ['a user that is no user id', { user: 'CHAN-1' }, 'user', 'invalid_id'],
      ['a request_body that is not an object', { request_body: 'x' }, 'request_body', 'unexpected_json_type'],
      ['an unknown field', { colour: 'red' }, 'body', 'invalid_field'],
    ];
    for (const [what, body, field, type] of cases) {
      it(`refuses ${what}`, async () => {
        const { admin } = await orgWithMember(t);
        const response = await list(t, admin, body);
        expect(response.status).toBe(400);
        expect(response.body.type).toBe(type);
        expect(response.body.field_name).toBe(field);
      });
    }
  });
});

describe('the journal\'s bounds', () => {
  it('keeps at most JOURNAL_MAX_ENTRIES entries, dropping the oldest', async () => {
    const { admin, member } = await orgWithMember(small);
    for (let i = 0; i < 8; i++) await small.as(member).get('/chats.get', { id: `CHAN-${i + 1}` });
    const entries = (await list(small, admin)).body.requests;
    expect(entries).toHaveLength(5);
    expect(entries.map((entry: any) => entry.request_body.id)).toEqual(['CHAN-8', 'CHAN-7', 'CHAN-6', 'CHAN-5', 'CHAN-4']);
  });

  it('keeps at most JOURNAL_MAX_BYTES of bodies, dropping the oldest', async () => {
    const { admin, member } = await orgWithMember(tiny);
    const chat = await tiny.as(member).post('/chats.create', { type: 'dm', users: [member.id], is_default: false });
    for (let i = 0; i < 6; i++) {
      await tiny.as(member).post('/chats.update', { id: chat.body.chat.id, custom_fields: { round: i, pad: 'y'.repeat(45_000) } });
    }
    const entries = (await list(tiny, admin, { operation: 'chats.update' })).body.requests;
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.length).toBeLessThan(6);
    expect(entries[0].request_body.custom_fields.round).toBe(5);
    expect(tiny.server.journal!.totalBytes).toBeLessThanOrEqual(200 * 1024);
  });
});

describe('/confab.requests.* without the journal', () => {
  it('answers 404 not_found exactly like an unknown route', async () => {
    const admin = await off.given.org();
    const journal = await off.as(admin).post('/confab.requests.list', {});
    const unknown = await off.as(admin).post('/confab.nothing.here', {});
    expect(journal.status).toBe(404);
    expect(journal.body.type).toBe('not_found');
    expect(Object.keys(journal.body).sort()).toEqual(Object.keys(unknown.body).sort());
    expect(journal.body.message.replace('confab.requests.list', 'X')).toBe(unknown.body.message.replace('confab.nothing.here', 'X'));
  });
});
