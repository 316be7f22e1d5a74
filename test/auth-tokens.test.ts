import { describe, expect, it } from 'vitest';
import { assertMatchesSchema } from './helpers/contract.js';
import { useServer, type Person } from './helpers/server.js';

const t = useServer();
const PAT = 'urn:devrev:params:oauth:token-type:pat';

async function createToken(person: Person, body: Record<string, unknown> = {}) {
  const response = await t.as(person).post('/auth-tokens.create', { requested_token_type: PAT, ...body });
  expect(response.status).toBe(201);
  return response.body as { access_token: string; expires_in: number; token_type: string };
}

async function tokenIds(person: Person, query: Record<string, string> = {}): Promise<string[]> {
  const response = await t.as(person).get('/auth-tokens.list', query);
  expect(response.status).toBe(200);
  return response.body.tokens.map((token: { id: string }) => token.id);
}

describe('auth-tokens.create', () => {
  it('issues a personal token that works, in DevRev shape, with the secret shown once', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const created = await createToken(bob, { expires_in: 3600, token_hint: 'ci' });
    expect(created).toMatchObject({ expires_in: 3600, token_type: 'bearer' });
    const self = await t.client(`Bearer ${created.access_token}`).get('/dev-users.self');
    expect(self.status).toBe(200);
    expect(self.body.dev_user.id).toBe(bob.id);
    // The raw token without "Bearer" works too, as DevRev's clients send it.
    expect((await t.client(created.access_token).get('/dev-users.self')).status).toBe(200);
    const listed = await t.as(bob).get('/auth-tokens.list');
    const text = JSON.stringify(listed.body);
    expect(text).not.toContain(created.access_token);
    const token = listed.body.tokens.find((item: { token_hint?: string }) => item.token_hint === 'ci');
    expect(token).toMatchObject({ status: 'active', subject: bob.id, requested_token_type: PAT });
    expect(token.created_by.id).toBe(bob.id);
  });

  it('defaults to a one-year lifetime', async () => {
    const admin = await t.given.org();
    const created = await createToken(admin);
    expect(created.expires_in).toBe(365 * 24 * 60 * 60);
  });

  it('honours expires_in: the token is refused once it has expired', async () => {
    const admin = await t.given.org();
    const created = await createToken(admin, { expires_in: 1, token_hint: 'short' });
    const client = t.client(`Bearer ${created.access_token}`);
    expect((await client.get('/dev-users.self')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const expired = await client.get('/dev-users.self');
    expect(expired.status).toBe(401);
    expect(expired.body.type).toBe('unauthenticated');
    const listed = await t.as(admin).get('/auth-tokens.list');
    const token = listed.body.tokens.find((item: { token_hint?: string }) => item.token_hint === 'short');
    expect(token.status).toBe('expired');
  });

  it('lets an admin create a token acting as a user of the org', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const created = await createToken(admin, { act_as: bob.displayId });
    const self = await t.client(created.access_token).get('/dev-users.self');
    expect(self.body.dev_user.id).toBe(bob.id);
    const token = (await t.as(admin).get('/auth-tokens.list', { subject: bob.id })).body.tokens[0];
    expect(token.subject).toBe(bob.id);
    expect(token.created_by.id).toBe(admin.id);
  });

  it('refuses act_as by a non-admin (403), of a deactivated user (400) and of another org (404)', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const carol = await t.given.user(admin);
    const byPeer = await t.as(bob).post('/auth-tokens.create', { requested_token_type: PAT, act_as: carol.id });
    expect(byPeer.status).toBe(403);
    expect(byPeer.body.type).toBe('forbidden');
    await t.as(admin).post('/dev-users.deactivate', { id: carol.id });
    const deactivated = await t.as(admin).post('/auth-tokens.create', { requested_token_type: PAT, act_as: carol.id });
    expect(deactivated.status).toBe(400);
    expect(deactivated.body).toMatchObject({ type: 'value_not_permitted', field_name: 'act_as' });
    const other = await t.given.org();
    const foreign = await t.as(admin).post('/auth-tokens.create', { requested_token_type: PAT, act_as: other.id });
    expect(foreign.status).toBe(404);
    expect(foreign.body.type).toBe('not_found');
    // Only the token carol was given at the start: none of the refused ones was made.
    expect(await tokenIds(admin, { subject: carol.id })).toHaveLength(1);
  });

  it('rejects bad requests with DevRev errors', async () => {
    const admin = await t.given.org();
    const cases: [unknown, string, string][] = [
      [{}, 'missing_required_field', 'requested_token_type'],
      [{ requested_token_type: 'urn:nope' }, 'invalid_enum_value', 'requested_token_type'],
      [{ requested_token_type: 'urn:devrev:params:oauth:token-type:aat' }, 'value_not_permitted', 'requested_token_type'],
      [{ requested_token_type: PAT, expires_in: 0 }, 'value_not_permitted', 'expires_in'],
      [{ requested_token_type: PAT, expires_in: -5 }, 'invalid_field', 'expires_in'],
      [{ requested_token_type: PAT, expires_in: 1e15 }, 'invalid_field', 'expires_in'],
      [{ requested_token_type: PAT, expires_in: '60' }, 'unexpected_json_type', 'expires_in'],
      [{ requested_token_type: PAT, act_as: 'CHAN-1' }, 'unexpected_id_type', 'act_as'],
    ];
    for (const [body, type, field] of cases) {
      const response = await t.as(admin).post('/auth-tokens.create', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body).toMatchObject({ type, field_name: field });
    }
  });
});

describe('auth-tokens.get and auth-tokens.list', () => {
  it('reads own tokens by either id form; never the secret', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const [id] = await tokenIds(bob);
    const byDon = await t.as(bob).post('/auth-tokens.get', { token_id: id });
    expect(byDon.status).toBe(200);
    expect(byDon.body.token.id).toBe(id);
    expect(byDon.body.token).not.toHaveProperty('access_token');
    const byDisplay = await t.as(bob).get('/auth-tokens.get', { token_id: byDon.body.token.display_id });
    expect(byDisplay.body.token.id).toBe(id);
  });

  it("keeps non-admins out of others' tokens (403) and lets admins in", async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const carol = await t.given.user(admin);
    const [carolToken] = await tokenIds(carol);
    expect((await t.as(bob).post('/auth-tokens.get', { token_id: carolToken })).status).toBe(403);
    const list = await t.as(bob).post('/auth-tokens.list', { subject: carol.id });
    expect(list.status).toBe(403);
    expect(list.body.type).toBe('forbidden');
    expect((await t.as(admin).post('/auth-tokens.get', { token_id: carolToken })).status).toBe(200);
    expect(await tokenIds(admin, { subject: carol.id })).toEqual([carolToken]);
  });

  it("answers 404 for another org's token and subject, whoever asks", async () => {
    const a = await t.given.org();
    const b = await t.given.org();
    const [bToken] = await tokenIds(b);
    const get = await t.as(a).post('/auth-tokens.get', { token_id: bToken });
    expect(get.status).toBe(404);
    expect(get.body.type).toBe('not_found');
    expect((await t.as(a).post('/auth-tokens.list', { subject: b.id })).status).toBe(404);
    expect((await t.as(a).post('/auth-tokens.delete', { token_id: bToken })).status).toBe(404);
    expect((await t.as(b).get('/dev-users.self')).status).toBe(200);
  });

  it('rejects a malformed token id', async () => {
    const admin = await t.given.org();
    const response = await t.as(admin).post('/auth-tokens.get', { token_id: 'TKN-x' });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ type: 'invalid_id', field_name: 'token_id' });
  });
});

describe('auth-tokens.delete', () => {
  it('revokes a token at once, and reports it revoked', async () => {
    const admin = await t.given.org();
    const created = await createToken(admin, { token_hint: 'doomed' });
    const client = t.client(created.access_token);
    expect((await client.get('/dev-users.self')).status).toBe(200);
    const token = (await t.as(admin).get('/auth-tokens.list')).body.tokens.find(
      (item: { token_hint?: string }) => item.token_hint === 'doomed',
    );
    const response = await t.as(admin).post('/auth-tokens.delete', { token_id: token.id });
    expect(response.status).toBe(200);
    expect(response.body).toBeUndefined();
    expect((await client.get('/dev-users.self')).status).toBe(401);
    expect((await t.as(admin).get('/auth-tokens.get', { token_id: token.id })).body.token.status).toBe('revoked');
    expect((await t.as(admin).get('/dev-users.self')).status).toBe(200);
  });

  it('revokes the calling token when no token_id is given', async () => {
    const admin = await t.given.org();
    const created = await createToken(admin);
    const client = t.client(created.access_token);
    expect((await client.post('/auth-tokens.delete', {})).status).toBe(200);
    expect((await client.get('/dev-users.self')).status).toBe(401);
    expect((await t.as(admin).get('/dev-users.self')).status).toBe(200);
  });

  it("lets admins revoke others' tokens and nobody else", async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const carol = await t.given.user(admin);
    const [carolToken] = await tokenIds(carol);
    const byPeer = await t.as(bob).post('/auth-tokens.delete', { token_id: carolToken });
    expect(byPeer.status).toBe(403);
    expect((await t.as(carol).get('/dev-users.self')).status).toBe(200);
    expect((await t.as(admin).post('/auth-tokens.delete', { token_id: carolToken })).status).toBe(200);
    expect((await t.as(carol).get('/dev-users.self')).status).toBe(401);
  });
});

describe('auth-tokens.self.delete', () => {
  it("revokes all of the caller's tokens and nobody else's", async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const extra = await createToken(bob);
    const response = await t.as(bob).post('/auth-tokens.self.delete', { requested_token_type: PAT });
    expect(response.status).toBe(200);
    expect((await t.as(bob).get('/dev-users.self')).status).toBe(401);
    expect((await t.client(extra.access_token).get('/dev-users.self')).status).toBe(401);
    expect((await t.as(admin).get('/dev-users.self')).status).toBe(200);
    const statuses = (await t.as(admin).get('/auth-tokens.list', { subject: bob.id })).body.tokens.map(
      (token: { status: string }) => token.status,
    );
    expect(statuses).toEqual(['revoked', 'revoked']);
  });

  it('refuses token types Confab does not issue', async () => {
    const admin = await t.given.org();
    const response = await t.as(admin).post('/auth-tokens.self.delete', { requested_token_type: 'urn:devrev:params:oauth:token-type:aat' });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ type: 'value_not_permitted', field_name: 'requested_token_type' });
    expect((await t.as(admin).get('/dev-users.self')).status).toBe(200);
  });
});

describe('auth-tokens.current (Confab addition)', () => {
  it('answers the token the request carries, as auth-tokens.get does, by GET and POST', async () => {
    const admin = await t.given.org();
    const created = await createToken(admin, { token_hint: 'this window' });
    const client = t.client(`Bearer ${created.access_token}`);
    for (const response of [await client.get('/auth-tokens.current'), await client.post('/auth-tokens.current', {})]) {
      expect(response.status).toBe(200);
      assertMatchesSchema('auth-tokens-get-response', response.body);
      expect(response.body.token).toMatchObject({ token_hint: 'this window', status: 'active', subject: admin.id });
      expect(JSON.stringify(response.body)).not.toContain(created.access_token);
    }
    // The same token as the list shows, and another token of the same person is another answer.
    const current = (await client.get('/auth-tokens.current')).body.token;
    expect(await tokenIds(admin)).toContain(current.id);
    expect((await t.as(admin).get('/auth-tokens.current')).body.token.id).not.toBe(current.id);
  });

  it('is 401 once the token is revoked', async () => {
    const admin = await t.given.org();
    const created = await createToken(admin);
    const client = t.client(`Bearer ${created.access_token}`);
    expect((await client.post('/auth-tokens.delete', {})).status).toBe(200);
    const after = await client.get('/auth-tokens.current');
    expect(after.status).toBe(401);
    expect(after.body.type).toBe('unauthenticated');
  });
});
