/**
 * Plug's customer sign-in: an application's token and `rev_info` make a session token for
 * the customer `user_ref` names (DevRev's `auth-tokens.create`), and `auth-tokens.info`
 * says whose a token is.
 */
import { describe, expect, it } from 'vitest';
import { useServer, type Person } from './helpers/server.js';
import { statementsOfCall } from './helpers/statements.js';

const t = useServer();
const shortLived = useServer({ sessionTokenLifetimeSeconds: 120 });

const SESSION = 'urn:devrev:params:oauth:token-type:session';

interface Application {
  admin: Person;
  app: Person;
}

async function application(): Promise<Application> {
  const admin = await t.given.org();
  return { admin, app: await t.given.user(admin, 'service_account') };
}

async function signIn(app: Person, revInfo: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return t.as(app).post('/auth-tokens.create', { rev_info: revInfo, ...extra });
}

async function sessionOf(app: Person, revInfo: Record<string, unknown>): Promise<string> {
  const response = await signIn(app, revInfo);
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.access_token;
}

async function whoIs(token: string) {
  const response = await t.client(`Bearer ${token}`).get('/auth-tokens.info');
  expect(response.status).toBe(200);
  return response.body;
}

describe('auth-tokens.create with rev_info (Plug sign-in)', () => {
  it('makes the customer, their rev org and a bearer session token that lives an hour', async () => {
    const { admin, app } = await application();
    const response = await signIn(app, {
      user_ref: 'user-42',
      account_ref: 'acme.example',
      user_traits: { display_name: 'Ada Customer', email: 'Ada@Acme.example', phone_numbers: ['+14155550100'], custom_fields: { tnt__tier: 'gold' } },
      account_traits: { display_name: 'Acme', domains: ['acme.example'], custom_fields: { tnt__plan: 'pro' } },
    });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ access_token: expect.any(String), expires_in: 3600, token_type: 'bearer' });

    const info = await whoIs(response.body.access_token);
    expect(info.user).toMatchObject({ type: 'rev_user', display_name: 'Ada Customer', email: 'ada@acme.example' });
    expect(info.token.expiry - info.token.issued_at).toBe(3600);
    expect(info.token.subject).toBe(info.user.id);

    const customer = await t.as(admin).get('/rev-users.get', { id: info.user.id });
    expect(customer.body.rev_user).toMatchObject({
      external_ref: 'user-42',
      phone_numbers: ['+14155550100'],
      custom_fields: { tnt__tier: 'gold' },
      rev_org: { type: 'rev_org', display_name: 'Acme' },
    });
    const revOrg = await t.as(admin).get('/rev-orgs.get', { id: customer.body.rev_user.rev_org.id });
    expect(revOrg.body.rev_org).toMatchObject({ external_ref: 'acme.example', display_name: 'Acme', custom_fields: { tnt__plan: 'pro' } });

    // The session is the customer's own: it reads as them, not as the application.
    const self = await t.client(`Bearer ${response.body.access_token}`).get('/rev-users.get', { id: info.user.id });
    expect(self.status).toBe(200);
    const listed = await t.as(admin).get('/auth-tokens.list', { subject: info.user.id });
    expect(listed.body.tokens).toEqual([expect.objectContaining({ requested_token_type: SESSION, created_by: expect.objectContaining({ id: app.id }) })]);
  });

  it('signs the same user_ref in as the same customer every time, applying the traits it is given', async () => {
    const { admin, app } = await application();
    const first = await whoIs(await sessionOf(app, { user_ref: 'same', user_traits: { display_name: 'First' } }));
    const second = await whoIs(await sessionOf(app, { user_ref: 'same', user_traits: { display_name: 'Second', email: 'same@example.com' } }));
    const third = await whoIs(await sessionOf(app, { user_ref: 'same' }));
    expect(second.user.id).toBe(first.user.id);
    expect(third.user.id).toBe(first.user.id);
    expect(third.user).toMatchObject({ display_name: 'Second', email: 'same@example.com' });
    const listed = await t.as(admin).get('/rev-users.list', { external_ref: ['same'] });
    expect(listed.body.rev_users).toHaveLength(1);
  });

  it('makes one customer and one rev org for concurrent first sign-ins of the same user_ref', async () => {
    const { admin, app } = await application();
    const tokens = await Promise.all(Array.from({ length: 8 }, () => sessionOf(app, { user_ref: 'racer', account_ref: 'race.example' })));
    const ids = new Set((await Promise.all(tokens.map(whoIs))).map((info) => info.user.id));
    expect(ids.size).toBe(1);
    expect((await t.as(admin).get('/rev-users.list', { external_ref: ['racer'] })).body.rev_users).toHaveLength(1);
    expect((await t.as(admin).get('/rev-orgs.list', { external_ref: ['race.example'] })).body.rev_orgs).toHaveLength(1);
  });

  it('puts the customer in the workspace’s rev org when one is named, and refuses to move them to another, making nothing', async () => {
    const { admin, app } = await application();
    const info = await whoIs(
      await sessionOf(app, { user_ref: 'w', account_ref: 'acct', workspace_ref: 'ws-1', workspace_traits: { display_name: 'Workspace One' } }),
    );
    const customer = await t.as(admin).get('/rev-users.get', { id: info.user.id });
    expect(customer.body.rev_user.rev_org.display_name).toBe('Workspace One');
    const before = await t.snapshot();
    const moved = await signIn(app, { user_ref: 'w', account_ref: 'another-account', account_traits: { display_name: 'Another' } });
    expect(moved.status).toBe(400);
    expect(moved.body.type).toBe('value_not_permitted');
    // Refused whole: the rev org it named was not made either.
    expect(await t.snapshot()).toBe(before);
  });

  it('lets admins mint session tokens, and refuses members and customers with 403', async () => {
    const { admin, app } = await application();
    expect((await signIn(admin, { user_ref: 'by-admin' })).status).toBe(201);
    const member = await t.given.user(admin);
    const byMember = await signIn(member, { user_ref: 'by-member' });
    expect(byMember.status).toBe(403);
    expect(byMember.body.type).toBe('forbidden');
    const customer = await sessionOf(app, { user_ref: 'a-customer' });
    const byCustomer = await t.client(`Bearer ${customer}`).post('/auth-tokens.create', { rev_info: { user_ref: 'someone-else' } });
    expect(byCustomer.status).toBe(403);
    expect(byCustomer.body.type).toBe('forbidden');
    expect((await t.as(admin).get('/rev-users.list', { external_ref: ['by-member', 'someone-else'] })).body.rev_users).toEqual([]);
  });

  it('keeps sessions alive when the application’s token is revoked, and ends them when the customer is deleted', async () => {
    const { admin, app } = await application();
    const session = await sessionOf(app, { user_ref: 'keeper' });
    expect((await t.as(app).post('/auth-tokens.delete', {})).status).toBe(200);
    expect((await t.as(app).get('/auth-tokens.info')).status).toBe(401);
    const info = await whoIs(session);

    expect((await t.as(admin).post('/rev-users.delete', { id: info.user.id })).status).toBe(200);
    const after = await t.client(`Bearer ${session}`).get('/auth-tokens.info');
    expect(after.status).toBe(401);
    expect(after.body.type).toBe('unauthenticated');
  });

  it('refuses to sign in a customer who is no longer active', async () => {
    const { admin, app } = await application();
    const info = await whoIs(await sessionOf(app, { user_ref: 'locked-out' }));
    // DevRev has no rev-users.deactivate; a state set elsewhere (an import, the database) counts the same.
    await t.executeBehindItsBack("UPDATE users SET state = 'deactivated' WHERE org_id = ? AND type = 'rev_user' AND external_ref = ?", [admin.org.id, 'locked-out']);
    const refused = await signIn(app, { user_ref: 'locked-out' });
    expect(refused.status).toBe(400);
    expect(refused.body.type).toBe('value_not_permitted');
    expect(refused.body.field_name).toBe('rev_info.user_ref');
    expect(info.user.type).toBe('rev_user');
  });

  it('keeps each organization’s customers apart: the same user_ref elsewhere is someone else', async () => {
    const one = await application();
    const two = await application();
    const first = await whoIs(await sessionOf(one.app, { user_ref: 'shared-ref', account_ref: 'shared-account' }));
    const second = await whoIs(await sessionOf(two.app, { user_ref: 'shared-ref', account_ref: 'shared-account' }));
    expect(second.user.id).not.toBe(first.user.id);
    expect(second.organization.id).not.toBe(first.organization.id);
    const foreign = await t.as(two.admin).get('/rev-users.get', { id: first.user.id });
    expect(foreign.status).toBe(404);
    expect(foreign.body.type).toBe('not_found');
  });

  it('honours a shorter expires_in and refuses one beyond the configured lifetime', async () => {
    const { app } = await application();
    const short = await signIn(app, { user_ref: 'brief' }, { expires_in: 60 });
    expect(short.body.expires_in).toBe(60);
    const info = await whoIs(short.body.access_token);
    expect(info.token.expiry - info.token.issued_at).toBe(60);
    const long = await signIn(app, { user_ref: 'brief' }, { expires_in: 7200 });
    expect(long.status).toBe(400);
    expect(long.body.type).toBe('value_not_permitted');
    expect(long.body.field_name).toBe('expires_in');
  });

  it('signs a returning customer in with a few statements: their lookups, the token, no writes to them', async () => {
    const { app } = await application();
    const revInfo = { user_ref: 'regular', account_ref: 'regulars', user_traits: { display_name: 'Reg' } };
    await sessionOf(app, revInfo);
    // Measured 5 on SQLite and on PostgreSQL.
    expect(await statementsOfCall(t, 'auth-tokens.create', () => signIn(app, revInfo), 201)).toBeLessThanOrEqual(6);
  });

  it('takes its default lifetime from SESSION_TOKEN_LIFETIME_SECONDS', async () => {
    const admin = await shortLived.given.org();
    const app = await shortLived.given.user(admin, 'service_account');
    const response = await shortLived.as(app).post('/auth-tokens.create', { rev_info: { user_ref: 'configured' } });
    expect(response.status).toBe(201);
    expect(response.body.expires_in).toBe(120);
  });

  it('answers bad rev_info with DevRev 400s and stores nothing', async () => {
    const { app } = await application();
    const before = await t.snapshot();
    const cases: [Record<string, unknown>, string, string?][] = [
      [{}, 'missing_required_field', 'rev_info.user_ref'],
      [{ user_ref: '   ' }, 'missing_required_field', 'rev_info.user_ref'],
      [{ user_ref: 42 }, 'bad_request'],
      [{ user_ref: 'x'.repeat(300) }, 'bad_request'],
      [{ user_ref: 'u', user_traits: { email: 'not an email' } }, 'invalid_field', 'rev_info.user_traits.email'],
      [{ user_ref: 'u', user_traits: { phone_numbers: ['555-0100'] } }, 'invalid_field', 'rev_info.user_traits.phone_numbers[0]'],
      [{ user_ref: 'u', user_traits: { phone_numbers: Array(17).fill('+14155550100') } }, 'bad_request'],
      [{ user_ref: 'u', user_traits: { custom_fields: { tnt__big: 'x'.repeat(20_000) } } }, 'invalid_field', 'rev_info.user_traits.custom_fields'],
      [{ user_ref: 'u', user_traits: { custom_fields: 'gold' } }, 'bad_request'],
      [{ user_ref: 'u', account_ref: 'a', account_traits: { domains: ['https://acme.example'] } }, 'invalid_field', 'rev_info.account_traits.domains[0]'],
      [{ user_ref: 'u', account_ref: '' }, 'missing_required_field', 'rev_info.account_ref'],
    ];
    for (const [revInfo, type, field] of cases) {
      const response = await signIn(app, revInfo);
      expect(response.status, JSON.stringify(revInfo).slice(0, 80)).toBe(400);
      if (type !== 'bad_request') expect(response.body.type).toBe(type);
      if (field !== undefined) expect(response.body.field_name).toBe(field);
    }
    const wrongType = await signIn(app, { user_ref: 'u' }, { requested_token_type: 'urn:devrev:params:oauth:token-type:pat' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.type).toBe('value_not_permitted');
    const noInfo = await t.as(app).post('/auth-tokens.create', { requested_token_type: SESSION });
    expect(noInfo.status).toBe(400);
    expect(noInfo.body.type).toBe('missing_required_field');
    expect(await t.snapshot()).toBe(before);
  });

  it('answers 409 conflict when the traits’ email is another customer’s, making nothing', async () => {
    const { app } = await application();
    await sessionOf(app, { user_ref: 'owner', user_traits: { email: 'taken@example.com' } });
    const before = await t.snapshot();
    const clash = await signIn(app, { user_ref: 'newcomer', account_ref: 'newcomer-org', user_traits: { email: 'taken@example.com' } });
    expect(clash.status).toBe(409);
    expect(clash.body.type).toBe('conflict');
    expect(await t.snapshot()).toBe(before);
  });
});

describe('auth-tokens.info', () => {
  it('answers the calling token’s organization, user and claims, as GET and POST', async () => {
    const admin = await t.given.org();
    const info = await whoIs(admin.token);
    expect(info.organization).toEqual({ id: `don:identity:dvrv-us-1:devo/${admin.org.slug}`, display_id: `DEV-${admin.org.slug}`, slug: admin.org.slug });
    expect(info.user).toMatchObject({ type: 'dev_user', id: admin.id, display_id: admin.displayId });
    expect(info.token.subject).toBe(admin.id);
    expect(info.token.issued_at).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(info.token.expiry).toBeGreaterThan(info.token.issued_at);
    const posted = await t.as(admin).post('/auth-tokens.info', {});
    expect(posted.status).toBe(200);
    expect(posted.body).toEqual(info);
    const anonymous = await t.client().get('/auth-tokens.info');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.type).toBe('unauthenticated');
  });
});
