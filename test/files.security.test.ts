/**
 * Who may read a file on a message (issue 26): whoever may read the message, and no one
 * once it is deleted or expired, when its bytes are gone too. A file taken off a message is
 * swept like any artifact attached to nothing; uploads count against the quota.
 */
import { describe, expect, it } from 'vitest';
import { purgeExpiredEntries } from '../src/domain/timeline-entries.js';
import { uploadFile, uploadRaw } from './helpers/artifacts.js';
import { useServer, type Person } from './helpers/server.js';

const QUOTA = 64 * 1024;
const UNATTACHED_FOR_MS = 30_000;
// The sweep runs every tenth of the age: every 3 s here.
const t = useServer({ artifacts: { quotaBytesPerUser: QUOTA, unattachedRetentionMs: UNATTACHED_FOR_MS } });

const file = (person: Person, bytes = Buffer.from('a file on a message')) => uploadFile(t, person, 'notes.txt', bytes, 'text/plain');

async function comment(author: Person, chat: { id: string }, extra: Record<string, unknown>) {
  const created = await t.as(author).post('/timeline-entries.create', { type: 'timeline_comment', object: chat.id, body: 'see attached', ...extra });
  expect(created.status).toBe(201);
  return created.body.timeline_entry;
}

const numberOf = (id: string) => Number(id.split('/').pop());

async function storedNumbers(org: Person['org']): Promise<number[]> {
  const rows = await t.executeBehindItsBack('SELECT number FROM artifacts WHERE org_id = ? ORDER BY number', [org.id]);
  return rows.map((row) => Number(row.number));
}

/** get, locate and list as `reader`: each status. */
async function access(reader: Person, artifact: string, entry: { id: string }) {
  return [
    (await t.as(reader).post('/artifacts.get', { id: artifact })).status,
    (await t.as(reader).post('/artifacts.locate', { id: artifact })).status,
    (await t.as(reader).post('/artifacts.list', { parent_id: entry.id })).status,
  ];
}

describe('reading a file on a message', () => {
  it('is for members who may read it; a non-member, even an admin, and another org get the 404 of a missing artifact', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const carol = await t.given.user(admin);
    const eve = await t.given.org();
    const chat = await t.given.chat(bob, [carol]);
    const artifact = await file(bob);
    const entry = await comment(bob, chat, { artifacts: [artifact] });
    expect(await access(carol, artifact, entry)).toEqual([200, 200, 200]);
    const listed = await t.as(carol).post('/artifacts.list', { parent_id: entry.display_id });
    expect(listed.body.artifacts.map((a: { id: string }) => a.id)).toEqual([artifact]);
    const missing = await t.as(admin).post('/artifacts.get', { id: `${artifact.replace(/\d+$/, '')}999999` });
    expect(missing.status).toBe(404);
    for (const outsider of [admin, eve]) {
      for (const path of ['/artifacts.get', '/artifacts.locate']) {
        const response = await t.as(outsider).post(path, { id: artifact });
        expect(response.status, path).toBe(404);
        expect(response.body.type).toBe(missing.body.type);
      }
      expect((await t.as(outsider).post('/artifacts.list', { parent_id: entry.id })).status).toBe(404);
    }
  });

  it('on a private or internal message is hidden from who may not read the message: a customer gets 404 as for a missing one', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const acme = (await t.as(admin).post('/rev-orgs.create', { display_name: `Acme ${Math.random()}` })).body.rev_org.id;
    const alice = await t.given.customer(admin, acme, `alice${Math.random().toString(36).slice(2, 8)}`);
    const chat = await t.given.chat(admin, [bob, alice]);
    const internal = await file(admin);
    const internalEntry = await comment(admin, chat, { visibility: 'internal', artifacts: [internal] });
    expect(await access(bob, internal, internalEntry)).toEqual([200, 200, 200]);
    expect(await access(alice, internal, internalEntry)).toEqual([404, 404, 404]);
    const secret = await file(admin);
    const privateEntry = await comment(admin, chat, { visibility: 'private', private_to: [alice.id], artifacts: [secret] });
    expect(await access(alice, secret, privateEntry)).toEqual([200, 200, 200]);
    expect(await access(bob, secret, privateEntry)).toEqual([404, 404, 404]);
  });

  it('ends with the message: a deleted one\'s files are not locatable and their rows are gone', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const chat = await t.given.chat(admin, [bob]);
    const artifact = await file(admin);
    const entry = await comment(admin, chat, { artifacts: [artifact] });
    const link = (await t.as(bob).post('/artifacts.locate', { id: artifact })).body.url;
    expect((await t.as(admin).post('/timeline-entries.delete', { id: entry.id })).status).toBe(200);
    expect(await access(bob, artifact, entry)).toEqual([404, 404, 404]);
    expect(await access(admin, artifact, entry)).toEqual([404, 404, 404]);
    expect((await fetch(link)).status).toBe(404);
    expect(await storedNumbers(admin.org)).not.toContain(numberOf(artifact));
    expect((await t.as(admin).post('/timeline-entries.get', { id: entry.id })).body.timeline_entry.artifacts).toBeUndefined();
  });

  it('ends with an expired message: the purge removes its files, and its replies\'', async () => {
    const admin = await t.given.org();
    const chat = await t.given.chat(admin);
    const artifact = await file(admin);
    const inReply = await file(admin);
    const entry = await comment(admin, chat, { artifacts: [artifact], expires_at: new Date(Date.now() + 1500).toISOString() });
    await comment(admin, { id: entry.id }, { artifacts: [inReply] });
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect((await t.as(admin).post('/artifacts.locate', { id: artifact })).status).toBe(404);
    await purgeExpiredEntries(t.server.store);
    const stored = await storedNumbers(admin.org);
    expect(stored).not.toContain(numberOf(artifact));
    expect(stored).not.toContain(numberOf(inReply));
  });
});

describe('files taken off a message', () => {
  it('are swept once unattached for the configured time; files on messages stay however old', async () => {
    const admin = await t.given.org();
    const chat = await t.given.chat(admin);
    const kept = await file(admin);
    const removed = await file(admin);
    const entry = await comment(admin, chat, { artifacts: [kept, removed] });
    const edit = await t.as(admin).post('/timeline-entries.update', { type: 'timeline_comment', id: entry.id, artifacts: { remove: [removed] } });
    expect(edit.status).toBe(200);
    const longAgo = new Date(Date.now() - 2 * 86_400_000).toISOString();
    await t.executeBehindItsBack('UPDATE artifacts SET created_at = ?, modified_at = ? WHERE org_id = ?', [longAgo, longAgo, admin.org.id]);
    const deadline = Date.now() + 20_000;
    while ((await storedNumbers(admin.org)).includes(numberOf(removed)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await storedNumbers(admin.org)).toEqual([numberOf(kept)]);
    expect((await t.as(admin).post('/artifacts.locate', { id: kept })).status).toBe(200);
  }, 30_000);
});

describe('the quota', () => {
  it('counts files on messages: an upload past it is 400 value_not_permitted naming the quota, and stores nothing', async () => {
    const admin = await t.given.org();
    const chat = await t.given.chat(admin);
    await comment(admin, chat, { artifacts: [await file(admin, Buffer.alloc(QUOTA - 10, 1))] });
    const prepared = await t.as(admin).post('/artifacts.prepare', { file_name: 'more.bin' });
    const refused = await uploadRaw(prepared.body.url, Buffer.alloc(11, 1));
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ type: 'value_not_permitted', field_name: 'file', reason: expect.stringContaining(`quota of ${QUOTA} bytes`) });
    expect((await t.as(admin).post('/artifacts.get', { id: prepared.body.id })).body.artifact.file.size).toBeUndefined();
  });
});
