import { describe, expect, it } from 'vitest';
import { useServer, type Person } from './helpers/server.js';

const t = useServer();


const customer = (admin: Person, revOrg: string, name: string) => t.given.customer(admin, revOrg, name);

async function setting() {
  const admin = await t.given.org();
  const agent = await t.given.user(admin, 'dev_user', 'agent');
  const other = await t.given.user(admin, 'dev_user', 'other');
  const bot = await t.given.user(admin, 'service_account', 'bot');
  const acme = (await t.as(admin).post('/rev-orgs.create', { display_name: 'Acme' })).body.rev_org.id;
  const globex = (await t.as(admin).post('/rev-orgs.create', { display_name: 'Globex' })).body.rev_org.id;
  const alice = await customer(admin, acme, `alice${Math.random().toString(36).slice(2, 8)}`);
  const colleague = await customer(admin, acme, `carl${Math.random().toString(36).slice(2, 8)}`);
  const rival = await customer(admin, globex, `gina${Math.random().toString(36).slice(2, 8)}`);
  return { admin, agent, other, bot, alice, colleague, rival };
}

describe('customers (rev users)', () => {
  it('may chat with dev users, service accounts and their own rev org, and not with another customer', async () => {
    const { agent, bot, alice, colleague, rival } = await setting();
    for (const peer of [agent, bot, colleague]) {
      const ok = await t.as(alice).post('/chats.create', { type: 'dm', users: [alice.id, peer.id] });
      expect(ok.status).toBe(201);
    }
    const snapshot = await t.snapshot();
    const refused = await t.as(alice).post('/chats.create', { type: 'dm', users: [alice.id, rival.id] });
    expect(refused.status).toBe(400);
    expect(refused.body.type).toBe('invalid_field');
    expect(JSON.stringify(refused.body)).not.toContain(rival.user.email!);
    expect(await t.snapshot()).toBe(snapshot);

    // Nor by adding them to a chat they already have.
    const chat = (await t.as(alice).post('/chats.create', { type: 'dm', users: [alice.id, agent.id], is_default: false })).body.chat.id;
    const added = await t.as(alice).post('/chats.update', { id: chat, users: { set: [alice.id, agent.id, rival.id] } });
    expect(added.status).toBe(400);
    expect(added.body.type).toBe('invalid_field');
  });

  it('see no email of dev users they share no chat with, and see it once staff make one with them', async () => {
    const { agent, other, alice } = await setting();
    const before = await t.as(alice).post('/dev-users.get', { id: other.id });
    expect(before.status).toBe(200);
    expect(before.body.dev_user.email).toBeUndefined();
    expect(before.body.dev_user.display_name).toBe('other');

    const chat = await t.as(agent).post('/chats.create', { type: 'dm', users: [agent.id, alice.id] });
    expect(chat.status).toBe(201);
    const shown = await t.as(alice).post('/chats.get', { id: chat.body.chat.id });
    expect(shown.body.chat.users.map((user: { email?: string }) => user.email)).toEqual([agent.user.email, alice.user.email]);
    expect((await t.as(alice).post('/dev-users.get', { id: agent.id })).body.dev_user.email).toBe(agent.user.email);
    expect((await t.as(alice).post('/dev-users.get', { id: other.id })).body.dev_user.email).toBeUndefined();
    // Staff still see everyone's.
    expect((await t.as(agent).post('/dev-users.get', { id: other.id })).body.dev_user.email).toBe(other.user.email);
  });

  it('get 404 for a chat they are not in, whether it exists or not', async () => {
    const { agent, other, alice } = await setting();
    const missing = await t.as(alice).post('/chats.get', { type: 'dm', users: [agent.id, other.id] });
    expect(missing.status).toBe(404);
    const chat = await t.as(agent).post('/chats.create', { type: 'dm', users: [agent.id, other.id] });
    expect(chat.status).toBe(201);
    const byUsers = await t.as(alice).post('/chats.get', { type: 'dm', users: [agent.id, other.id] });
    expect(byUsers.status).toBe(404);
    expect(byUsers.body.type).toBe('not_found');
    expect(byUsers.body).toEqual({ ...missing.body, message: byUsers.body.message });
    const byId = await t.as(alice).post('/chats.get', { id: chat.body.chat.id });
    expect(byId.status).toBe(404);
    const entries = await t.as(alice).post('/timeline-entries.list', { object: chat.body.chat.id });
    expect(entries.status).toBe(404);
    // A dev user outside it is still told it is forbidden, as before.
    const staff = await t.as(await t.given.user(agent)).post('/chats.get', { id: chat.body.chat.id });
    expect(staff.status).toBe(403);
  });

  it('may not bring a group of rev users into a chat', async () => {
    const { admin, agent, alice } = await setting();
    const group = await t.as(admin).post('/groups.create', { name: `customers-${Date.now()}`, description: 'customers', member_type: 'rev_user' });
    expect(group.status).toBe(201);
    const refused = await t.as(alice).post('/chats.create', { type: 'dm', users: [alice.id, agent.id], groups: [group.body.group.id] });
    expect(refused.status).toBe(400);
    expect(refused.body.type).toBe('value_not_permitted');
  });
});
