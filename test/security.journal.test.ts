/**
 * The request journal keeps no secrets: minted tokens, webhook secrets and signed links
 * are "[redacted]" in recorded request and response bodies; a request without a valid
 * token is not recorded; each organization has its own buffer.
 */
import { describe, expect, it } from 'vitest';
import { png, prepare, uploadForm } from './helpers/artifacts.js';
import { useEmulator, useServer, type Person, type TestServer } from './helpers/server.js';

const t = useServer({ journal: true, realtime: { webhookAllowPrivate: true } });
const small = useServer({ journal: true, journalMaxEntries: 5 });
const emulator = useEmulator();

const PAT = 'urn:devrev:params:oauth:token-type:pat';
const REDACTED = '[redacted]';

async function journalOf(server: TestServer, admin: Person, operation: string) {
  const response = await server.as(admin).post('/confab.requests.list', { operation });
  expect(response.status).toBe(200);
  return response.body.requests as { request_body?: any; response_body?: any }[];
}

describe('the journal redacts secrets', () => {
  it('records a minted access_token as [redacted]', async () => {
    const admin = await t.given.org();
    const minted = await t.as(admin).post('/auth-tokens.create', { requested_token_type: PAT });
    expect(minted.status).toBe(201);
    const [entry] = await journalOf(t, admin, 'auth-tokens.create');
    expect(entry!.response_body.access_token).toBe(REDACTED);
    expect(entry!.response_body.token_type).toBe('bearer');
    expect(JSON.stringify(await journalOf(t, admin, 'auth-tokens.create'))).not.toContain(minted.body.access_token);
  });

  it("records a webhook's secret as [redacted] in the request and in every answer that shows it", async () => {
    const admin = await t.given.org();
    const secret = 'c2hhcmVkIHdlYmhvb2sgc2VjcmV0';
    const newSecret = 'bmV3IHdlYmhvb2sgc2VjcmV0';
    const headers = [{ name: 'Authorization', value: 'Bearer receiver-credential' }];
    const created = await t.as(admin).post('/webhooks.create', { url: 'http://127.0.0.1:9/hook', secret, headers });
    expect(created.status).toBe(201);
    const updated = await t.as(admin).post('/webhooks.update', { id: created.body.webhook.id, secret: newSecret });
    expect(updated.status).toBe(200);
    expect((await t.as(admin).get('/webhooks.get', { id: created.body.webhook.id })).status).toBe(200);

    const [create] = await journalOf(t, admin, 'webhooks.create');
    expect(create!.request_body).toEqual({ url: 'http://127.0.0.1:9/hook', secret: REDACTED, headers: [{ name: 'Authorization', value: REDACTED }] });
    expect(create!.response_body.webhook.secret).toBe(REDACTED);
    expect(create!.response_body.webhook.url).toBe('http://127.0.0.1:9/hook');
    const [update] = await journalOf(t, admin, 'webhooks.update');
    expect(update!.request_body.secret).toBe(REDACTED);
    expect(update!.response_body.webhook.secret).toBe(REDACTED);
    const [get] = await journalOf(t, admin, 'webhooks.get');
    expect(get!.response_body.webhook.secret).toBe(REDACTED);
    const everything = JSON.stringify((await t.as(admin).post('/confab.requests.list', { limit: 100 })).body);
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(newSecret);
    expect(everything).not.toContain('receiver-credential');
  });

  it('records signed upload and download links as [redacted]', async () => {
    const admin = await t.given.org();
    const prepared = await prepare(t, admin);
    expect((await uploadForm(prepared, png())).status).toBe(204);
    const located = await t.as(admin).post('/artifacts.locate', { id: prepared.id });
    expect(located.status).toBe(200);

    const [prepareEntry] = await journalOf(t, admin, 'artifacts.prepare');
    expect(prepareEntry!.response_body).toEqual({ id: prepared.id, url: REDACTED, form_data: [] });
    const [locateEntry] = await journalOf(t, admin, 'artifacts.locate');
    expect(locateEntry!.response_body.url).toBe(REDACTED);
    const everything = JSON.stringify((await t.as(admin).post('/confab.requests.list', { limit: 100 })).body);
    for (const link of [prepared.url, located.body.url]) expect(everything).not.toContain(link.slice(link.lastIndexOf('/') + 1));
  });
});

describe('the emulator journal redacts the tokens of new organizations', () => {
  it("records confab.orgs.create's admin token and its fixtures' token values as [redacted]", async () => {
    const root = emulator.withToken(emulator.server.firstRun!.token);
    const fixtures = { users: [{ ref: 'ada', type: 'dev_user', email: 'ada@tenant.test' }], tokens: [{ user: 'ada', value: 'fixture-token-of-ada' }] };
    const created = await root.post('/confab.orgs.create', { fixtures });
    expect(created.status).toBe(201);
    const [entry] = (await root.post('/confab.requests.list', { operation: 'confab.orgs.create' })).body.requests;
    expect(entry.request_body.fixtures.tokens).toEqual([{ user: 'ada', value: REDACTED }]);
    expect(entry.response_body.admin.token).toBe(REDACTED);
    expect(entry.response_body.admin.user.display_id).toBe('DEVU-2');
    const text = JSON.stringify(entry);
    expect(text).not.toContain('fixture-token-of-ada');
    expect(text).not.toContain(created.body.admin.token);
  });
});

describe('the journal records only authenticated requests, per organization', () => {
  it('does not record a request without a token, with an unknown token, or an upload by signed link', async () => {
    const admin = await t.given.org();
    const prepared = await prepare(t, admin);
    const size = t.server.journal!.size;
    expect((await t.client().post('/chats.create', { type: 'dm', users: [admin.id] })).status).toBe(401);
    expect((await t.client('Bearer not-a-token').get('/dev-users.self')).status).toBe(401);
    expect((await uploadForm(prepared, png())).status).toBe(204);
    expect(t.server.journal!.size).toBe(size);
  });

  it("never shows one organization's requests to another's admin", async () => {
    const one = await t.given.org();
    const other = await t.given.org();
    await t.as(other).post('/chats.create', { type: 'dm', users: [other.id], title: 'other-org-only', is_default: false });
    const seen = JSON.stringify((await t.as(one).post('/confab.requests.list', { limit: 100 })).body);
    expect(seen).not.toContain('other-org-only');
    expect(seen).not.toContain(other.org.slug);
  });

  it("keeps an organization's entries when another organization fills the journal", async () => {
    const quiet = await small.given.org();
    const busy = await small.given.org();
    await small.as(quiet).get('/dev-users.self');
    for (let i = 0; i < 10; i++) await small.as(busy).get('/chats.get', { id: `CHAN-${i + 1}` });
    const kept = await small.as(quiet).post('/confab.requests.list', {});
    expect(kept.body.requests.map((entry: { operation: string }) => entry.operation)).toEqual(['dev-users.self']);
    const busyEntries = (await small.as(busy).post('/confab.requests.list', {})).body.requests;
    expect(busyEntries.map((entry: any) => entry.request_body.id)).toEqual(['CHAN-10', 'CHAN-9', 'CHAN-8', 'CHAN-7']);
    expect(small.server.journal!.size).toBe(5);
  });
});
