import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { Client, useEmulator, useServer } from './helpers/server.js';
import { SseClient } from './helpers/sse.js';

const FIXTURES = join(import.meta.dirname, '../examples/emulator/fixtures.json');
const emulator = useEmulator(FIXTURES);
const as = (token: string) => emulator.withToken(token);
const ada = () => as('test-token-ada');
beforeEach(async () => {
  expect((await ada().post('/confab.reset', {})).status).toBe(200);
});

const title = async (id: string) => (await ada().get('/chats.get', { id })).body.chat?.title;

describe('confab.snapshots', () => {
  it('save then restore puts the whole database back: later objects go, changes are undone', async () => {
    const saved = await ada().post('/confab.snapshots.save', { name: 'before-rename' });
    expect(saved.status).toBe(200);
    expect(saved.body.snapshot).toEqual({ name: 'before-rename', created_date: expect.any(String), size_bytes: expect.any(Number) });

    await ada().post('/chats.update', { id: 'CHAN-1', title: 'renamed' });
    const created = await ada().post('/chats.create', { type: 'dm', users: ['DEVU-1', 'SVCACC-1'] });
    expect(created.body.chat.display_id).toBe('CHAN-3');

    const restored = await ada().post('/confab.snapshots.restore', { name: 'before-rename' });
    expect(restored.status).toBe(200);
    expect(restored.body.snapshot.name).toBe('before-rename');
    expect(await title('CHAN-1')).toBe('Ada and Grace');
    expect((await ada().get('/chats.get', { id: 'CHAN-3' })).status).toBe(404);
  });

  it('can be restored again and again: a restore does not change the snapshot', async () => {
    await ada().post('/confab.snapshots.save', { name: 'base' });
    for (const round of [1, 2, 3]) {
      await ada().post('/chats.update', { id: 'CHAN-1', title: `round ${round}` });
      await ada().post('/confab.snapshots.restore', { name: 'base' });
      expect(await title('CHAN-1')).toBe('Ada and Grace');
    }
  });

  it('survives a reset, which restores the state after fixtures', async () => {
    await ada().post('/chats.update', { id: 'CHAN-1', title: 'kept in a snapshot' });
    await ada().post('/confab.snapshots.save', { name: 'kept' });
    expect((await ada().post('/confab.reset', {})).status).toBe(200);
    expect(await title('CHAN-1')).toBe('Ada and Grace');
    await ada().post('/confab.snapshots.restore', { name: 'kept' });
    expect(await title('CHAN-1')).toBe('kept in a snapshot');
  });

  it('lists snapshots by name and deletes them', async () => {
    for (const name of ['list-b', 'list-a']) await ada().post('/confab.snapshots.save', { name });
    const listed = await ada().get('/confab.snapshots.list');
    expect(listed.status).toBe(200);
    const names = listed.body.snapshots.map((snapshot: { name: string }) => snapshot.name);
    expect(names.indexOf('list-a')).toBeLessThan(names.indexOf('list-b'));
    const deleted = await ada().post('/confab.snapshots.delete', { name: 'list-a' });
    expect(deleted.status).toBe(200);
    expect((await ada().get('/confab.snapshots.list')).body.snapshots.map((snapshot: { name: string }) => snapshot.name)).not.toContain('list-a');
    const again = await ada().post('/confab.snapshots.restore', { name: 'list-a' });
    expect(again.status).toBe(404);
    expect(again.body.type).toBe('not_found');
  });

  it('answers 404 not_found for a snapshot that was never saved', async () => {
    for (const operation of ['restore', 'delete']) {
      const response = await ada().post(`/confab.snapshots.${operation}`, { name: 'never-saved' });
      expect(response.status).toBe(404);
      expect(response.body.type).toBe('not_found');
    }
  });

  for (const name of ['', 'Upper', 'has space', 'a'.repeat(65), '../etc', 'dot.name']) {
    it(`refuses the name ${JSON.stringify(name.length > 20 ? `${name.slice(0, 5)}…(${name.length})` : name)} with 400 invalid_field, changing nothing`, async () => {
      const response = await ada().post('/confab.snapshots.save', { name });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ type: 'invalid_field', field_name: 'name' });
      expect((await ada().get('/confab.snapshots.list')).body.snapshots.map((s: { name: string }) => s.name)).not.toContain(name);
    });
  }

  it('refuses a missing name with 400 missing_required_field', async () => {
    const response = await ada().post('/confab.snapshots.save', {});
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ type: 'missing_required_field', field_name: 'name' });
  });

  it('is for admins: 403 forbidden for a member, 401 without a token', async () => {
    const member = await as('test-token-grace').post('/confab.snapshots.save', { name: 'x' });
    expect(member.status).toBe(403);
    expect(member.body.type).toBe('forbidden');
    const anonymous = await emulator.client().post('/confab.snapshots.list', {});
    expect(anonymous.status).toBe(401);
  });

  it('takes effect on the auth cache at once: a token created after the snapshot stops working', async () => {
    await ada().post('/confab.snapshots.save', { name: 'no-new-token' });
    const token = (await ada().post('/auth-tokens.create', { requested_token_type: 'urn:devrev:params:oauth:token-type:pat' })).body.access_token as string;
    // Used twice, so the grant is cached.
    expect((await as(token).get('/dev-users.self')).status).toBe(200);
    expect((await as(token).get('/dev-users.self')).status).toBe(200);
    await ada().post('/confab.snapshots.restore', { name: 'no-new-token' });
    const after = await as(token).get('/dev-users.self');
    expect(after.status).toBe(401);
    expect(after.body.type).toBe('unauthenticated');
  });

  it('tells open event streams to resync, with the restored last event id, and closes them', async () => {
    await ada().post('/confab.snapshots.save', { name: 'streams' });
    const stream = await SseClient.open(`${emulator.url}/events.stream`, { authorization: 'Bearer test-token-grace' });
    try {
      for (let i = 0; i < 3; i++) await ada().post('/chats.update', { id: 'CHAN-1', title: `t${i}` });
      await stream.until(() => stream.events.length === 3);
      await ada().post('/confab.snapshots.restore', { name: 'streams' });
      await stream.until(() => stream.ended);
      const last = stream.events.at(-1)!;
      expect(last.event).toBe('confab.resync');
      expect(last.data).toEqual({ type: 'confab.resync', reason: 'state_restored' });
      // The id names the restored outbox's last event: resuming from it brings only what comes next.
      const resumed = await SseClient.open(`${emulator.url}/events.stream`, { authorization: 'Bearer test-token-grace', 'last-event-id': last.id! });
      try {
        await ada().post('/chats.update', { id: 'CHAN-1', title: 'after the restore' });
        await resumed.until(() => resumed.events.length === 1);
        expect(resumed.events[0]!.data.chat_updated.chat.title).toBe('after the restore');
      } finally {
        await resumed.close();
      }
    } finally {
      await stream.close();
    }
  });

  it('streams opened after a restore get new events: the dispatcher follows the restored outbox', async () => {
    await ada().post('/confab.snapshots.save', { name: 'dispatch' });
    for (let i = 0; i < 5; i++) await ada().post('/chats.update', { id: 'CHAN-1', title: `before ${i}` });
    await ada().post('/confab.snapshots.restore', { name: 'dispatch' });
    const stream = await SseClient.open(`${emulator.url}/events.stream`, { authorization: 'Bearer test-token-grace' });
    try {
      await ada().post('/chats.update', { id: 'CHAN-1', title: 'after restore' });
      await stream.until(() => stream.events.length === 1);
      expect(stream.events[0]!.data.chat_updated.chat.title).toBe('after restore');
    } finally {
      await stream.close();
    }
  });
});

describe('POST /confab.reset', () => {
  it('empties the request journal too', async () => {
    await as('test-token-grace').get('/dev-users.self');
    expect((await ada().post('/confab.reset', {})).status).toBe(200);
    expect((await ada().post('/confab.requests.count', {})).body.count).toBe(0);
  });
});

describe('/confab.snapshots.* outside emulator mode', () => {
  const t = useServer();
  it('answers 404 not_found like an unknown route', async () => {
    const admin = await t.given.org();
    for (const operation of ['save', 'restore', 'list', 'delete']) {
      const response = await t.as(admin).post(`/confab.snapshots.${operation}`, { name: 'x' });
      expect(response.status).toBe(404);
      expect(response.body.type).toBe('not_found');
    }
  });
});
