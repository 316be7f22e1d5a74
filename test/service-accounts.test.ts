import { describe, expect, it } from 'vitest';
import { useServer } from './helpers/server.js';

const t = useServer();
const PAT = 'urn:devrev:params:oauth:token-type:pat';

describe('service-accounts.create', () => {
  it('creates an active service account in DevRev shape, for admins only', async () => {
    const admin = await t.given.org();
    const response = await t.as(admin).post('/service-accounts.create', { display_name: 'Build bot' });
    expect(response.status).toBe(201);
    expect(response.body.service_account).toMatchObject({ display_name: 'Build bot', state: 'active' });
    expect(response.body.service_account.id).toMatch(/:svcacc\/\d+$/);
    const bob = await t.given.user(admin);
    const byPeer = await t.as(bob).post('/service-accounts.create', { display_name: 'mine' });
    expect(byPeer.status).toBe(403);
    expect(byPeer.body.type).toBe('forbidden');
  });

  it('rejects bad input', async () => {
    const admin = await t.given.org();
    const cases: [unknown, string, string][] = [
      [{}, 'missing_required_field', 'display_name'],
      [{ display_name: '  ' }, 'missing_required_field', 'display_name'],
      [{ display_name: 7 }, 'unexpected_json_type', 'display_name'],
      [{ display_name: 'k', gen_keyring: true }, 'value_not_permitted', 'gen_keyring'],
    ];
    for (const [body, type, field] of cases) {
      const response = await t.as(admin).post('/service-accounts.create', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body).toMatchObject({ type, field_name: field });
    }
  });

  it('gets tokens of its own from an admin, which can chat as the bot', async () => {
    const admin = await t.given.org();
    const bot = (await t.as(admin).post('/service-accounts.create', { display_name: 'Bot' })).body.service_account;
    const token = await t.as(admin).post('/auth-tokens.create', { requested_token_type: PAT, act_as: bot.display_id });
    expect(token.status).toBe(201);
    const asBot = t.client(`Bearer ${token.body.access_token}`);
    const chat = await asBot.post('/chats.create', { type: 'dm', users: [bot.id, admin.id] });
    expect(chat.status).toBe(201);
    expect(chat.body.chat.created_by).toMatchObject({ type: 'service_account', id: bot.id });
    // A bot is not a dev user.
    expect((await asBot.get('/dev-users.self')).status).toBe(403);
  });
});

describe('service-accounts.get and service-accounts.update', () => {
  it('reads by either id, renames for admins only, and 404s across orgs', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const bot = (await t.as(admin).post('/service-accounts.create', { display_name: 'Bot' })).body.service_account;
    expect((await t.as(bob).get('/service-accounts.get', { id: bot.display_id })).body.service_account.id).toBe(bot.id);
    const renamed = await t.as(admin).post('/service-accounts.update', { id: bot.id, display_name: 'Robo' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.service_account.display_name).toBe('Robo');
    expect((await t.as(bob).post('/service-accounts.update', { id: bot.id, display_name: 'x' })).status).toBe(403);
    const other = await t.given.org();
    expect((await t.as(other).post('/service-accounts.get', { id: bot.id })).status).toBe(404);
    expect((await t.as(other).post('/service-accounts.update', { id: bot.id, display_name: 'x' })).status).toBe(404);
    const wrongKind = await t.as(admin).post('/service-accounts.get', { id: admin.id });
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.body).toMatchObject({ type: 'unexpected_id_type', field_name: 'id' });
    expect((await t.as(admin).post('/service-accounts.get', { id: bot.id })).body.service_account.display_name).toBe('Robo');
  });
});
