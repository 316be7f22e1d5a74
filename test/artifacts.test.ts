import { crc32, deflateSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { sealLink, type LinkPurpose } from '../src/domain/artifact-links.js';
import { assertMatchesSchema } from './helpers/contract.js';
import { useServer, type Person } from './helpers/server.js';

const t = useServer();

/** A real PNG of `width`×1 grey pixels: signature, IHDR, IDAT, IEND with their CRCs. */
function png(width = 1): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(1, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  const scanline = Buffer.concat([Buffer.from([0]), Buffer.alloc(width, 0x80)]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(scanline)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function prepare(person: Person, fileName = 'me.png') {
  const response = await t.as(person).post('/artifacts.prepare', { file_name: fileName, file_type: 'image/png' });
  expect(response.status).toBe(200);
  return response.body as { id: string; url: string; form_data: { key: string; value: string }[] };
}

/** Uploads as DevRev's docs do: the form fields `prepare` gave, then the file. */
async function uploadForm(prepared: { url: string; form_data: { key: string; value: string }[] }, bytes: Buffer, name = 'me.png') {
  const form = new FormData();
  for (const { key, value } of prepared.form_data) form.append(key, value);
  form.append('file', new Blob([Uint8Array.from(bytes)], { type: 'image/png' }), name);
  const response = await fetch(prepared.url, { method: 'POST', body: form });
  return { status: response.status, body: await bodyOf(response) };
}

async function uploadRaw(url: string, bytes: Buffer, contentType = 'application/octet-stream') {
  const response = await fetch(url, { method: 'POST', body: Uint8Array.from(bytes), headers: { 'content-type': contentType } });
  return { status: response.status, body: await bodyOf(response) };
}

async function bodyOf(response: globalThis.Response) {
  const text = await response.text();
  return text ? JSON.parse(text) : undefined;
}

/** An uploaded picture of `person`, ready to attach. */
async function picture(person: Person, fileName = 'me.png') {
  const prepared = await prepare(person, fileName);
  expect((await uploadForm(prepared, png())).status).toBe(204);
  return prepared.id;
}

describe('artifacts.prepare and the upload', () => {
  it('round-trips real PNG bytes: prepare, multipart upload, get, locate, download byte-identical', async () => {
    const ada = await t.given.org();
    const bytes = png(7);
    const prepared = await prepare(ada, 'ada.png');
    expect(prepared.id).toMatch(/^don:core:dvrv-us-1:devo\/\w+:artifact\/\d+$/);
    expect(prepared.url.startsWith(`${t.url}/artifacts.upload/`)).toBe(true);
    expect(prepared.form_data).toEqual([]);
    expect(await uploadForm(prepared, bytes)).toEqual({ status: 204, body: undefined });

    const got = await t.as(ada).get('/artifacts.get', { id: prepared.id });
    expect(got.status).toBe(200);
    expect(got.body.artifact).toMatchObject({
      id: prepared.id,
      display_id: expect.stringMatching(/^ARTIFACT-\d+$/),
      file: { type: 'image/png', name: 'ada.png', size: bytes.length },
      created_by: { id: ada.id },
    });
    expect(got.body.version).toMatchObject({ version: '1', modified_by: { id: ada.id } });

    const located = await t.as(ada).post('/artifacts.locate', { id: got.body.artifact.display_id });
    expect(located.status).toBe(200);
    expect(located.body.url.startsWith(`${t.url}/artifacts.download/`)).toBe(true);
    expect(Date.parse(located.body.expires_at)).toBeGreaterThan(Date.now());
    const download = await fetch(located.body.url);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('accepts the raw bytes as the body, and serves the sniffed type, not the declared one', async () => {
    const ada = await t.given.org();
    const prepared = await prepare(ada, 'really-a-gif.png');
    const gif = Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.alloc(20, 1)]);
    expect((await uploadRaw(prepared.url, gif, 'image/png')).status).toBe(204);
    const got = await t.as(ada).post('/artifacts.get', { id: prepared.id });
    expect(got.body.artifact.file).toEqual({ type: 'image/gif', name: 'really-a-gif.png', size: gif.length });
    const located = await t.as(ada).post('/artifacts.locate', { id: prepared.id });
    const download = await fetch(located.body.url);
    expect(download.headers.get('content-type')).toBe('image/gif');
    expect(Buffer.from(await download.arrayBuffer()).equals(gif)).toBe(true);
  });

  it('refuses anything but PNG, JPEG, GIF or WebP with 400 invalid_field, and keeps nothing', async () => {
    const ada = await t.given.org();
    const prepared = await prepare(ada);
    const html = Buffer.from('<html><script>alert(1)</script></html>');
    for (const upload of [uploadRaw(prepared.url, html, 'image/png'), uploadForm(prepared, html), uploadRaw(prepared.url, Buffer.alloc(0))]) {
      const response = await upload;
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ type: 'invalid_field', field_name: 'file' });
      assertMatchesSchema('error-bad-request', response.body);
    }
    const located = await t.as(ada).post('/artifacts.locate', { id: prepared.id });
    expect(located.status).toBe(400);
    expect(located.body).toMatchObject({ type: 'value_not_permitted', field_name: 'id' });
  });

  it('refuses a file over 5 MiB with 400, in the body limit or after it', async () => {
    const ada = await t.given.org();
    const prepared = await prepare(ada);
    const justOver = Buffer.concat([png(), Buffer.alloc(5 * 1024 * 1024 + 1 - png().length)]);
    const response = await uploadRaw(prepared.url, justOver);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ type: 'invalid_field', field_name: 'file' });
    const huge = await uploadRaw(prepared.url, Buffer.concat([png(), Buffer.alloc(6 * 1024 * 1024)]));
    expect(huge.status).toBe(400);
    expect(huge.body.type).toBe('bad_request');
    expect((await uploadForm(prepared, png())).status).toBe(204);
  });

  it('takes the bytes once: a second upload is 400 value_not_permitted and changes nothing', async () => {
    const ada = await t.given.org();
    const prepared = await prepare(ada);
    const first = png(1);
    expect((await uploadForm(prepared, first)).status).toBe(204);
    const again = await uploadForm(prepared, png(9));
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ type: 'value_not_permitted', field_name: 'file' });
    const got = await t.as(ada).post('/artifacts.get', { id: prepared.id });
    expect(got.body.artifact.file.size).toBe(first.length);
  });

  it('answers a forged, altered or wrong-purpose link with 404', async () => {
    const ada = await t.given.org();
    const prepared = await prepare(ada);
    const token = prepared.url.split('/artifacts.upload/')[1]!;
    const [version, artifact, purpose, expiry, signature] = token.split('.') as [string, string, string, string, string];
    const tampered = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    const forgeries = [
      `${version}.${Number(artifact) - 1}.${purpose}.${expiry}.${signature}`, // another artifact
      `${version}.${artifact}.${purpose}.${Number(expiry) + 86400}.${signature}`, // a later expiry
      `${version}.${artifact}.${purpose}.${expiry}.${tampered}`,
      `${version}.${artifact}.${purpose}.${expiry}.${signature}.x`,
      'nonsense',
      'x'.repeat(300),
      `${token}/more`,
    ];
    for (const bad of forgeries) {
      const response = await uploadRaw(`${t.url}/artifacts.upload/${bad}`, png());
      expect(response.status, bad).toBe(404);
      expect(response.body.type).toBe('not_found');
    }
    // An upload link does not download, nor a download link upload.
    expect((await fetch(`${t.url}/artifacts.download/${token}`)).status).toBe(404);
    await uploadForm(prepared, png());
    const located = await t.as(ada).post('/artifacts.locate', { id: prepared.id });
    const downloadToken = located.body.url.split('/artifacts.download/')[1];
    expect((await uploadRaw(`${t.url}/artifacts.upload/${downloadToken}`, png())).status).toBe(404);
  });

  it('refuses a genuine link once it has expired, upload or download', async () => {
    const ada = await t.given.org();
    const prepared = await prepare(ada);
    const artifactId = Number(prepared.url.split('/artifacts.upload/')[1]!.split('.')[1]);
    const database = new Database(t.databaseFile, { readonly: true });
    const row = database.prepare("SELECT value FROM server_secrets WHERE name = 'artifact-links'").get() as { value: string };
    database.close();
    const link = (purpose: LinkPurpose, expiresAt: number) =>
      sealLink(Buffer.from(row.value, 'base64url'), { artifactId, purpose, expiresAt });
    expect((await uploadRaw(`${t.url}/artifacts.upload/${link('upload', Date.now() - 1000)}`, png())).status).toBe(404);
    // The same link, still valid, is accepted: the refusal above was the expiry.
    expect((await uploadRaw(`${t.url}/artifacts.upload/${link('upload', Date.now() + 60_000)}`, png())).status).toBe(204);
    expect((await fetch(`${t.url}/artifacts.download/${link('download', Date.now() - 1000)}`)).status).toBe(404);
    expect((await fetch(`${t.url}/artifacts.download/${link('download', Date.now() + 60_000)}`)).status).toBe(200);
  });

  it('validates prepare input with DevRev errors', async () => {
    const ada = await t.given.org();
    const cases: [unknown, string, string][] = [
      [{}, 'missing_required_field', 'file_name'],
      [{ file_name: 42 }, 'unexpected_json_type', 'file_name'],
      [{ file_name: '  ' }, 'missing_required_field', 'file_name'],
      [{ file_name: 'a\r\nb.png' }, 'invalid_field', 'file_name'],
      [{ file_name: 'x'.repeat(300) }, 'invalid_field', 'file_name'],
    ];
    for (const [body, type, field] of cases) {
      const response = await t.as(ada).post('/artifacts.prepare', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body).toMatchObject({ type, field_name: field });
    }
    expect((await t.client().post('/artifacts.prepare', { file_name: 'a.png' })).status).toBe(401);
  });
});

describe('artifacts.get, artifacts.locate and artifacts.list', () => {
  it('hides another organization\'s artifact: 404 by either id form', async () => {
    const ada = await t.given.org();
    const eve = await t.given.org();
    const id = await picture(ada);
    const displayId = (await t.as(ada).post('/artifacts.get', { id })).body.artifact.display_id;
    for (const path of ['/artifacts.get', '/artifacts.locate']) {
      for (const ref of [id, displayId]) {
        const response = await t.as(eve).post(path, { id: ref });
        expect(response.status, `${path} ${ref}`).toBe(404);
        expect(response.body.type).toBe('not_found');
      }
    }
  });

  it('shows a loose artifact only to its uploader and admins; an attached one to everyone in the org', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const carol = await t.given.user(admin);
    const id = await picture(bob);
    expect((await t.as(carol).post('/artifacts.get', { id })).status).toBe(404);
    expect((await t.as(admin).post('/artifacts.get', { id })).status).toBe(200);
    expect((await t.as(bob).post('/dev-users.self.update', { display_picture: id })).status).toBe(200);
    expect((await t.as(carol).post('/artifacts.get', { id })).status).toBe(200);
    expect((await t.as(carol).post('/artifacts.locate', { id })).status).toBe(200);
  });

  it('rejects ids that are not artifacts', async () => {
    const ada = await t.given.org();
    const notAnId = await t.as(ada).post('/artifacts.get', { id: 'nope' });
    expect(notAnId.status).toBe(400);
    expect(notAnId.body).toMatchObject({ type: 'invalid_id', field_name: 'id' });
    const user = await t.as(ada).post('/artifacts.get', { id: ada.id });
    expect(user.status).toBe(400);
    expect(user.body).toMatchObject({ type: 'unexpected_id_type', field_name: 'id' });
  });

  it('lists what is attached to a user, and without parent_id the caller\'s own uploads', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const id = await picture(bob);
    const loose = await prepare(bob, 'later.png');
    await t.as(bob).post('/dev-users.self.update', { display_picture: id });
    const attached = await t.as(admin).get('/artifacts.list', { parent_id: bob.displayId });
    expect(attached.status).toBe(200);
    expect(attached.body.artifacts.map((a: { id: string }) => a.id)).toEqual([id]);
    const own = await t.as(bob).post('/artifacts.list', {});
    expect(own.body.artifacts.map((a: { id: string }) => a.id)).toEqual([loose.id, id]);
    const other = await t.given.org();
    expect((await t.as(other).post('/artifacts.list', { parent_id: bob.id })).status).toBe(404);
  });
});

describe('display_picture on dev users', () => {
  it('puts the artifact summary into every user summary: dev users, chats, timeline entries, lists', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const id = await picture(bob, 'bob.png');
    const updated = await t.as(bob).post('/dev-users.self.update', { display_picture: id });
    expect(updated.status).toBe(200);
    const expected = { id, display_id: expect.stringMatching(/^ARTIFACT-\d+$/), file: { type: 'image/png', name: 'bob.png', size: png().length } };
    expect(updated.body.dev_user.display_picture).toEqual(expected);

    const chat = await t.as(admin).post('/chats.create', { type: 'dm', users: [admin.id, bob.id], is_default: false });
    expect(chat.status).toBe(201);
    const bobInChat = chat.body.chat.users.find((u: { id: string }) => u.id === bob.id);
    expect(bobInChat.display_picture).toEqual(expected);
    const entry = await t.as(bob).post('/timeline-entries.create', { type: 'timeline_comment', object: chat.body.chat.id, body: 'hi' });
    expect(entry.body.timeline_entry.created_by.display_picture).toEqual(expected);
    const listed = await t.as(admin).post('/timeline-entries.list', { object: chat.body.chat.id });
    expect(listed.body.timeline_entries[0].created_by.display_picture).toEqual(expected);
    const got = await t.as(admin).post('/chats.get', { id: chat.body.chat.id });
    expect(got.body.chat.users.find((u: { id: string }) => u.id === bob.id).display_picture).toEqual(expected);
    const users = await t.as(admin).post('/dev-users.list', {});
    expect(users.body.dev_users.find((u: { id: string }) => u.id === bob.id).display_picture).toEqual(expected);
    expect((await t.as(bob).get('/dev-users.self')).body.dev_user.display_picture).toEqual(expected);
  });

  it('lets an admin set someone\'s picture with dev-users.update, and null removes it', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const id = await picture(admin);
    const set = await t.as(admin).post('/dev-users.update', { id: bob.id, display_picture: id });
    expect(set.status).toBe(200);
    expect(set.body.dev_user.display_picture.id).toBe(id);
    const cleared = await t.as(admin).post('/dev-users.update', { id: bob.id, display_picture: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.dev_user.display_picture).toBeUndefined();
  });

  it('is 403 forbidden for someone else\'s upload unless the caller is an admin', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const carol = await t.given.user(admin);
    const bobs = await picture(bob);
    const response = await t.as(carol).post('/dev-users.self.update', { display_picture: bobs });
    expect(response.status).toBe(403);
    expect(response.body.type).toBe('forbidden');
    expect((await t.as(carol).get('/dev-users.self')).body.dev_user.display_picture).toBeUndefined();
    expect((await t.as(admin).post('/dev-users.update', { id: carol.id, display_picture: bobs })).status).toBe(200);
  });

  it('is 400 artifact_already_attached_to_a_parent for an artifact attached to someone else', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const id = await picture(admin);
    expect((await t.as(admin).post('/dev-users.self.update', { display_picture: id })).status).toBe(200);
    const response = await t.as(admin).post('/dev-users.update', { id: bob.id, display_picture: id });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      type: 'artifact_already_attached_to_a_parent',
      existing_parent: admin.id,
      is_same: false,
      field_name: 'display_picture',
    });
    expect((await t.as(bob).get('/dev-users.self')).body.dev_user.display_picture).toBeUndefined();
    // The same picture again for the same user is no change, not an error.
    expect((await t.as(admin).post('/dev-users.self.update', { display_picture: id })).status).toBe(200);
  });

  it('refuses an artifact with no upload yet: 400 value_not_permitted', async () => {
    const admin = await t.given.org();
    const prepared = await prepare(admin);
    const response = await t.as(admin).post('/dev-users.self.update', { display_picture: prepared.id, full_name: 'Changed' });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ type: 'value_not_permitted', field_name: 'display_picture' });
    const self = (await t.as(admin).get('/dev-users.self')).body.dev_user;
    expect(self.full_name).not.toBe('Changed');
    expect(self.display_picture).toBeUndefined();
  });

  it('is 404 for another organization\'s artifact and 400 for what is not an artifact id', async () => {
    const admin = await t.given.org();
    const eve = await t.given.org();
    const evesPicture = await picture(eve);
    const foreign = await t.as(admin).post('/dev-users.self.update', { display_picture: evesPicture });
    expect(foreign.status).toBe(404);
    expect(foreign.body.type).toBe('not_found');
    const cases: [unknown, string][] = [
      ['nope', 'invalid_id'],
      [admin.id, 'unexpected_id_type'],
      [42, 'unexpected_json_type'],
    ];
    for (const [value, type] of cases) {
      const response = await t.as(admin).post('/dev-users.self.update', { display_picture: value });
      expect(response.status, String(value)).toBe(400);
      expect(response.body).toMatchObject({ type, field_name: 'display_picture' });
    }
  });

  it('lets two concurrent attachments of one artifact to two users have one winner', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const carol = await t.given.user(admin);
    const id = await picture(admin);
    const responses = await Promise.all(
      [bob, carol].map((person) => t.as(admin).post('/dev-users.update', { id: person.id, display_picture: id })),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, 400]);
    const loser = responses.find((r) => r.status === 400)!;
    expect(loser.body.type).toBe('artifact_already_attached_to_a_parent');
    const winner = responses.find((r) => r.status === 200)!;
    expect(loser.body.existing_parent).toBe(winner.body.dev_user.id);
  });
});

describe('display_picture on rev users', () => {
  it('is set by an admin with rev-users.update and shows wherever the customer does', async () => {
    const admin = await t.given.org();
    const carla = await t.given.user(admin, 'rev_user');
    const id = await picture(admin, 'carla.webp');
    const updated = await t.as(admin).post('/rev-users.update', { id: carla.id, display_picture: id });
    expect(updated.status).toBe(200);
    expect(updated.body.rev_user.display_picture).toMatchObject({ id, file: { name: 'carla.webp', type: 'image/png' } });
    const chat = await t.as(admin).post('/chats.create', { type: 'dm', users: [admin.id, carla.id], is_default: false });
    expect(chat.body.chat.users.find((u: { id: string }) => u.id === carla.id).display_picture.id).toBe(id);
    const self = await t.as(carla).post('/rev-users.get', { id: carla.id });
    expect(self.body.rev_user.display_picture.id).toBe(id);
  });
});
