import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfabApiError, startConfab, type Confab } from '../src/index.js';

const FIXTURES = {
  organizations: [
    {
      name: 'Acme',
      slug: 'acme',
      users: [{ ref: 'ada', type: 'dev_user' as const, email: 'ada@acme.test', admin: true }],
      chats: [{ users: ['ada'], title: 'Notes' }],
      tokens: [{ user: 'ada', value: 'start-confab-ada' }],
    },
  ],
};

let confab: Confab;
beforeAll(async () => {
  confab = await startConfab({ fixtures: FIXTURES });
});
afterAll(() => confab.close());

describe('startConfab', () => {
  it('serves on a free loopback port, with an admin of its own organization', async () => {
    expect(confab.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const self = await confab.client().devUsers.self();
    expect(self.dev_user.id).toBe(confab.admin.user.id);
  });

  it('loads the fixtures', async () => {
    const chat = await confab.client('start-confab-ada').chats.get({ id: 'CHAN-1' });
    expect(chat.chat.title).toBe('Notes');
  });

  it('reset() puts the fixtures back', async () => {
    const ada = confab.client('start-confab-ada');
    await ada.chats.update({ id: 'CHAN-1', title: 'changed' });
    await confab.reset();
    expect((await ada.chats.get({ id: 'CHAN-1' })).chat.title).toBe('Notes');
  });

  it('snapshot() and restore() by name', async () => {
    const ada = confab.client('start-confab-ada');
    await ada.chats.update({ id: 'CHAN-1', title: 'saved' });
    await confab.snapshot('saved');
    await ada.chats.update({ id: 'CHAN-1', title: 'lost' });
    await confab.restore('saved');
    expect((await ada.chats.get({ id: 'CHAN-1' })).chat.title).toBe('saved');
  });

  it('orgs.create() gives a tenant with its own client and journal', async () => {
    const tenant = await confab.orgs.create({ users: [{ ref: 'bo', type: 'dev_user', email: 'bo@t.test' }] });
    await tenant.client.devUsers.self();
    const entry = await tenant.requests.one({ operation: 'dev-users.self' });
    expect(entry.caller).toEqual({ id: tenant.admin.user.id, display_id: tenant.admin.user.display_id, token_id: expect.any(String) });
    expect(await confab.requests.count({ user: tenant.admin.user.id })).toBe(0);
  });

  it('requests().one() says what it saw when the request was not made', async () => {
    const tenant = await confab.orgs.create();
    await tenant.client.devUsers.self();
    const error = await tenant.requests.one({ operation: 'chats.create' }).catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/found none; the latest requests were:\n {2}POST \/dev-users\.self → 200/);
    await expect(tenant.requests.none({ operation: 'chats.create' })).resolves.toBeUndefined();
    await expect(tenant.requests.none({ operation: 'dev-users.self' })).rejects.toThrow(/expected no request/);
  });

  it('surfaces DevRev errors from the emulator operations', async () => {
    const error = await confab.restore('never-saved').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfabApiError);
    expect((error as ConfabApiError).status).toBe(404);
  });
});
