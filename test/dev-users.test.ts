import { describe, expect, it } from 'vitest';
import { useServer, type Person } from './helpers/server.js';

const t = useServer();

async function newDevUser(admin: Person, body: Record<string, unknown> = {}) {
  const response = await t.as(admin).post('/dev-users.create', { email: `p${Math.random().toString(36).slice(2)}@example.com`, state: 'shadow', ...body });
  expect(response.status).toBe(201);
  return response.body.dev_user;
}

describe('dev-users.create', () => {
  it('creates a shadow user by default in DevRev shape, and an active one on request', async () => {
    const admin = await t.given.org();
    const shadow = await newDevUser(admin, { email: 'Ada@Example.com', full_name: 'Ada Lovelace' });
    expect(shadow).toMatchObject({ type: 'dev_user', state: 'shadow', email: 'ada@example.com', full_name: 'Ada Lovelace', display_name: 'ada' });
    expect(shadow.id).toMatch(/^don:identity:dvrv-us-1:devo\/\w+:devu\/\d+$/);
    const active = await newDevUser(admin, { state: 'active', display_name: 'Grace' });
    expect(active).toMatchObject({ state: 'active', display_name: 'Grace' });
  });

  it('is for admins only: 403 forbidden for anyone else', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const response = await t.as(bob).post('/dev-users.create', { email: 'x@example.com', state: 'shadow' });
    expect(response.status).toBe(403);
    expect(response.body.type).toBe('forbidden');
  });

  it('returns 409 conflict for an email already taken in the org (any case)', async () => {
    const admin = await t.given.org();
    await newDevUser(admin, { email: 'dup@example.com' });
    const response = await t.as(admin).post('/dev-users.create', { email: 'DUP@example.com', state: 'shadow' });
    expect(response.status).toBe(409);
    expect(response.body.type).toBe('conflict');
  });

  it('allows the same email in another org', async () => {
    const a = await t.given.org();
    const b = await t.given.org();
    await newDevUser(a, { email: 'same@example.com' });
    await newDevUser(b, { email: 'same@example.com' });
  });

  it('rejects a missing email, a bad state, a bad email and wrong types with DevRev errors', async () => {
    const admin = await t.given.org();
    const cases: [unknown, string, string][] = [
      [{ state: 'shadow' }, 'missing_required_field', 'email'],
      [{ email: 'a@example.com' }, 'missing_required_field', 'state'],
      [{ email: 'a@example.com', state: 'deleted' }, 'invalid_enum_value', 'state'],
      [{ email: 'not-an-email', state: 'shadow' }, 'invalid_field', 'email'],
      [{ email: 42, state: 'shadow' }, 'unexpected_json_type', 'email'],
      [{ email: 'a@example.com', state: 'shadow', full_name: '   ' }, 'missing_required_field', 'full_name'],
      [{ email: `${'a'.repeat(300)}@example.com`, state: 'shadow' }, 'invalid_field', 'email'],
    ];
    for (const [body, type, field] of cases) {
      const response = await t.as(admin).post('/dev-users.create', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body).toMatchObject({ type, field_name: field });
    }
    const list = await t.as(admin).post('/dev-users.list', {});
    expect(list.body.dev_users).toHaveLength(1);
  });
});

describe('dev-users.get', () => {
  it('reads a user by DON or display id, by POST or GET', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    for (const id of [bob.id, bob.displayId]) {
      const post = await t.as(admin).post('/dev-users.get', { id });
      expect(post.status).toBe(200);
      expect(post.body.dev_user.id).toBe(bob.id);
      const get = await t.as(bob).get('/dev-users.get', { id });
      expect(get.status).toBe(200);
      expect(get.body.dev_user.display_id).toBe(bob.displayId);
    }
  });

  it('returns 404 for an unknown user and 400 for a malformed or wrong-kind id', async () => {
    const admin = await t.given.org();
    expect((await t.as(admin).post('/dev-users.get', { id: 'DEVU-999' })).status).toBe(404);
    const bad = await t.as(admin).post('/dev-users.get', { id: 'nonsense' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ type: 'invalid_id', field_name: 'id' });
    const wrong = await t.as(admin).post('/dev-users.get', { id: 'CHAN-1' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ type: 'unexpected_id_type', field_name: 'id' });
  });

  it("answers 404 for another org's user in either id form", async () => {
    const a = await t.given.org();
    const b = await t.given.org();
    const bobOfB = await t.given.user(b);
    const byDon = await t.as(a).post('/dev-users.get', { id: bobOfB.id });
    expect(byDon.status).toBe(404);
    expect(byDon.body.type).toBe('not_found');
    // The display id is read in the caller's org, where that number may not exist.
    const aCount = (await t.as(a).post('/dev-users.list', {})).body.dev_users.length;
    const byDisplay = await t.as(a).post('/dev-users.get', { id: `DEVU-${aCount + 50}` });
    expect(byDisplay.status).toBe(404);
  });
});

describe('dev-users.list', () => {
  it('pages with opaque cursors until every user was seen exactly once', async () => {
    const admin = await t.given.org();
    for (let i = 0; i < 4; i++) await newDevUser(admin);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const response = await t.as(admin).get('/dev-users.list', { limit: '2', ...(cursor && { cursor }) });
      expect(response.status).toBe(200);
      seen.push(...response.body.dev_users.map((user: { id: string }) => user.id));
      cursor = response.body.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(5);
  });

  it('filters by email and by state', async () => {
    const admin = await t.given.org();
    const shadow = await newDevUser(admin, { email: 'filter-me@example.com' });
    const byEmail = await t.as(admin).post('/dev-users.list', { email: ['FILTER-ME@example.com'] });
    expect(byEmail.body.dev_users.map((user: { id: string }) => user.id)).toEqual([shadow.id]);
    const byState = await t.as(admin).get('/dev-users.list', { state: 'shadow,deactivated' });
    expect(byState.body.dev_users.map((user: { id: string }) => user.id)).toEqual([shadow.id]);
    const bad = await t.as(admin).post('/dev-users.list', { state: ['asleep'] });
    expect(bad.status).toBe(400);
    expect(bad.body.type).toBe('invalid_enum_value');
  });

  it('never lists or counts users of another org', async () => {
    const a = await t.given.org();
    const b = await t.given.org();
    const bobOfB = await t.given.user(b);
    const list = await t.as(a).post('/dev-users.list', { email: [bobOfB.user.email!] });
    expect(list.body.dev_users).toEqual([]);
    const all = await t.as(a).post('/dev-users.list', {});
    expect(all.body.dev_users.map((user: { id: string }) => user.id)).toEqual([a.id]);
  });

  it("rejects forged cursors and another org's cursor with 400 on cursor", async () => {
    const a = await t.given.org();
    const b = await t.given.org();
    await t.given.user(b);
    const bPage = await t.as(b).post('/dev-users.list', { limit: 1 });
    expect(bPage.body.next_cursor).toBeDefined();
    const forged = Buffer.from(JSON.stringify({ s: 'x', a: 1 })).toString('base64url');
    for (const cursor of [bPage.body.next_cursor, 'garbage!', forged, 'e30']) {
      const response = await t.as(a).post('/dev-users.list', { cursor });
      expect(response.status, cursor).toBe(400);
      expect(response.body).toMatchObject({ type: 'invalid_field', field_name: 'cursor' });
    }
  });

  it('rejects a limit outside 1..100', async () => {
    const admin = await t.given.org();
    for (const limit of [0, 101, 1e12]) {
      const response = await t.as(admin).post('/dev-users.list', { limit });
      expect(response.status).toBe(400);
      expect(response.body.field_name).toBe('limit');
    }
  });
});

describe('dev-users.update and dev-users.self.update', () => {
  it('lets users change their own names', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const self = await t.as(bob).post('/dev-users.self.update', { display_name: 'bobby', full_name: 'Robert Tables' });
    expect(self.status).toBe(200);
    expect(self.body.dev_user).toMatchObject({ display_name: 'bobby', full_name: 'Robert Tables' });
    const own = await t.as(bob).post('/dev-users.update', { id: bob.displayId, display_name: 'rob' });
    expect(own.status).toBe(200);
    expect(own.body.dev_user.display_name).toBe('rob');
  });

  it('lets admins change anyone in their org, and nobody else', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const carol = await t.given.user(admin);
    const byAdmin = await t.as(admin).post('/dev-users.update', { id: bob.id, full_name: 'Bob Admin-Set' });
    expect(byAdmin.status).toBe(200);
    const byPeer = await t.as(carol).post('/dev-users.update', { id: bob.id, full_name: 'Hacked' });
    expect(byPeer.status).toBe(403);
    expect(byPeer.body.type).toBe('forbidden');
    const after = await t.as(admin).post('/dev-users.get', { id: bob.id });
    expect(after.body.dev_user.full_name).toBe('Bob Admin-Set');
  });

  it("answers 404 to an admin updating another org's user", async () => {
    const a = await t.given.org();
    const b = await t.given.org();
    const bobOfB = await t.given.user(b);
    const response = await t.as(a).post('/dev-users.update', { id: bobOfB.id, full_name: 'x' });
    expect(response.status).toBe(404);
  });

  it('rejects empty names', async () => {
    const admin = await t.given.org();
    const response = await t.as(admin).post('/dev-users.self.update', { display_name: ' ' });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ type: 'missing_required_field', field_name: 'display_name' });
  });
});

describe('dev-users.deactivate and dev-users.activate', () => {
  it("stops the user's tokens on the very next request, and activation restores the user but not the revoked tokens", async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    expect((await t.as(bob).get('/dev-users.self')).status).toBe(200);
    const off = await t.as(admin).post('/dev-users.deactivate', { id: bob.id });
    expect(off.status).toBe(200);
    expect(off.body).toEqual({});
    const denied = await t.as(bob).get('/dev-users.self');
    expect(denied.status).toBe(401);
    expect(denied.body.type).toBe('unauthenticated');
    const state = await t.as(admin).post('/dev-users.get', { id: bob.id });
    expect(state.body.dev_user.state).toBe('deactivated');
    const on = await t.as(admin).post('/dev-users.activate', { id: bob.id });
    expect(on.status).toBe(200);
    expect(on.body).toEqual({ invite_sent: false });
    // Deactivation revoked bob's tokens: an old one is no key back in.
    expect((await t.as(bob).get('/dev-users.self')).status).toBe(401);
    const fresh = await t.as(admin).post('/auth-tokens.create', { requested_token_type: 'urn:devrev:params:oauth:token-type:pat', act_as: bob.id });
    expect(fresh.status).toBe(201);
    expect((await t.client(`Bearer ${fresh.body.access_token}`).get('/dev-users.self')).status).toBe(200);
  });

  it('keeps a deactivated user out of new chats but visible in existing ones', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const carol = await t.given.user(admin);
    const chat = await t.as(admin).post('/chats.create', { type: 'dm', users: [admin.id, bob.id] });
    expect(chat.status).toBe(201);
    await t.as(admin).post('/dev-users.deactivate', { id: bob.id });
    const fresh = await t.as(admin).post('/chats.create', { type: 'dm', users: [admin.id, carol.id, bob.id] });
    expect(fresh.status).toBe(400);
    expect(fresh.body).toMatchObject({ type: 'value_not_permitted', field_name: 'users' });
    const existing = await t.as(admin).post('/chats.get', { id: chat.body.chat.id });
    expect(existing.status).toBe(200);
    const shown = existing.body.chat.users.find((user: { id: string }) => user.id === bob.id);
    expect(shown.state).toBe('deactivated');
  });

  it('is for admins only, and an admin cannot deactivate themselves', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const byPeer = await t.as(bob).post('/dev-users.deactivate', { id: admin.id });
    expect(byPeer.status).toBe(403);
    const activate = await t.as(bob).post('/dev-users.activate', { id: bob.id });
    expect(activate.status).toBe(403);
    const self = await t.as(admin).post('/dev-users.deactivate', { id: admin.id });
    expect(self.status).toBe(400);
    expect(self.body).toMatchObject({ type: 'value_not_permitted', field_name: 'id' });
    expect((await t.as(admin).get('/dev-users.self')).status).toBe(200);
  });

  it("answers 404 for another org's user and leaves them untouched", async () => {
    const a = await t.given.org();
    const b = await t.given.org();
    const bobOfB = await t.given.user(b);
    const response = await t.as(a).post('/dev-users.deactivate', { id: bobOfB.id });
    expect(response.status).toBe(404);
    expect((await t.as(bobOfB).get('/dev-users.self')).status).toBe(200);
  });

  it('activates a shadow user, whose token then works', async () => {
    const admin = await t.given.org();
    const shadow = await newDevUser(admin);
    const token = await t.as(admin).post('/auth-tokens.create', {
      requested_token_type: 'urn:devrev:params:oauth:token-type:pat',
      act_as: shadow.id,
    });
    expect(token.status).toBe(201);
    const client = t.client(`Bearer ${token.body.access_token}`);
    expect((await client.get('/dev-users.self')).status).toBe(401);
    await t.as(admin).post('/dev-users.activate', { id: shadow.id });
    expect((await client.get('/dev-users.self')).status).toBe(200);
  });
});
