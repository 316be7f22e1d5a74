import { describe, expect, it } from 'vitest';
import { sealLink, type LinkPurpose } from '../src/domain/artifact-links.js';
import { picture, png, prepare, uploadForm, uploadRaw, type Prepared } from './helpers/artifacts.js';
import { assertMatchesSchema } from './helpers/contract.js';
import { useServer } from './helpers/server.js';

const t = useServer();

describe('artifacts.prepare and the upload', () => {
  it('round-trips real PNG bytes: prepare, multipart upload, get, locate, download byte-identical', async () => {
    const ada = await t.given.org();
    const bytes = png(7);
    const prepared = await prepare(t, ada, 'ada.png');
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
    const prepared = await prepare(t, ada, 'really-a-gif.png');
    const gif = Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.alloc(20, 1)]);
    expect((await uploadRaw(prepared.url, gif, 'image/png')).status).toBe(204);
    const got = await t.as(ada).post('/artifacts.get', { id: prepared.id });
    expect(got.body.artifact.file).toEqual({ type: 'image/gif', name: 'really-a-gif.png', size: gif.length });
    const located = await t.as(ada).post('/artifacts.locate', { id: prepared.id });
    const download = await fetch(located.body.url);
    expect(download.headers.get('content-type')).toBe('image/gif');
    expect(Buffer.from(await download.arrayBuffer()).equals(gif)).toBe(true);
  });

  it('recognises JPEG and WebP by their bytes, whatever the name or declared type says', async () => {
    const ada = await t.given.org();
    const webp = Buffer.concat([Buffer.from('RIFF', 'latin1'), Buffer.from([20, 0, 0, 0]), Buffer.from('WEBPVP8 ', 'latin1'), Buffer.alloc(12)]);
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(16)]);
    const riffNotWebp = Buffer.concat([Buffer.from('RIFF', 'latin1'), Buffer.from([20, 0, 0, 0]), Buffer.from('WAVEfmt ', 'latin1')]);
    // Declared image/png: a RIFF that is no WebP is not shown as an image, whatever it claims.
    for (const [bytes, type] of [[webp, 'image/webp'], [jpeg, 'image/jpeg'], [riffNotWebp, 'application/octet-stream']] as const) {
      const prepared = await prepare(t, ada, 'picture.png');
      expect((await uploadRaw(prepared.url, bytes)).status, type).toBe(204);
      expect((await t.as(ada).get('/artifacts.get', { id: prepared.id, version: '1' })).body.artifact.file.type).toBe(type);
    }
  });

  it('takes any file, typed as declared, and refuses only an empty one with 400 invalid_field, keeping nothing', async () => {
    const ada = await t.given.org();
    const html = Buffer.from('<html><script>alert(1)</script></html>');
    const declared = await t.as(ada).post('/artifacts.prepare', { file_name: 'page.html', file_type: 'text/html' });
    expect((await uploadRaw(declared.body.url, html)).status).toBe(204);
    expect((await t.as(ada).post('/artifacts.get', { id: declared.body.id })).body.artifact.file).toEqual({ type: 'text/html', name: 'page.html', size: html.length });
    // Claiming to be an image the bytes are not: the bytes decide, and it is no image.
    const claimed = await prepare(t, ada, 'page.png');
    expect((await uploadForm(claimed, html)).status).toBe(204);
    expect((await t.as(ada).post('/artifacts.get', { id: claimed.id })).body.artifact.file.type).toBe('application/octet-stream');

    const empty = await prepare(t, ada);
    const response = await uploadRaw(empty.url, Buffer.alloc(0));
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ type: 'invalid_field', field_name: 'file' });
    assertMatchesSchema('error-bad-request', response.body);
    const located = await t.as(ada).post('/artifacts.locate', { id: empty.id });
    expect(located.status).toBe(400);
    expect(located.body).toMatchObject({ type: 'value_not_permitted', field_name: 'id' });
  });

  it('answers a malformed form with parse_error and a form without a file with missing_required_field', async () => {
    const ada = await t.given.org();
    const broken = await uploadRaw((await prepare(t, ada)).url, Buffer.from('--nope\r\n'), 'multipart/form-data; boundary=zz');
    expect(broken.status).toBe(400);
    expect(broken.body.type).toBe('parse_error');
    const form = new FormData();
    form.append('note', 'no file here');
    const response = await fetch((await prepare(t, ada)).url, { method: 'POST', body: form });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ type: 'missing_required_field', field_name: 'file' });
  });

  it('takes a file over 5 MiB, which is then no display picture (400 invalid_field)', async () => {
    const ada = await t.given.org();
    const large = Buffer.concat([png(), Buffer.alloc(5 * 1024 * 1024 + 1 - png().length)]);
    const prepared = await prepare(t, ada);
    expect((await uploadRaw(prepared.url, large)).status).toBe(204);
    const refused = await t.as(ada).post('/dev-users.self.update', { display_picture: prepared.id });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ type: 'invalid_field', field_name: 'display_picture' });
  });

  it('takes the bytes once: a second upload is 400 value_not_permitted and changes nothing', async () => {
    const ada = await t.given.org();
    const prepared = await prepare(t, ada);
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
    const prepared = await prepare(t, ada);
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
    const prepared = await prepare(t, ada);
    const artifactId = Number(prepared.url.split('/artifacts.upload/')[1]!.split('.')[1]);
    const [row] = (await t.executeBehindItsBack("SELECT value FROM server_secrets WHERE name = 'artifact-links'")) as { value: string }[];
    const link = (purpose: LinkPurpose, expiresAt: number) =>
      sealLink(Buffer.from(row!.value, 'base64url'), { artifactId, purpose, expiresAt });
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
      [{ file_name: '../..' }, 'invalid_field', 'file_name'],
      [{ file_name: '\u202e\r\n' }, 'invalid_field', 'file_name'],
      [{ file_name: 'x'.repeat(1025) }, 'invalid_field', 'file_name'],
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
    const id = await picture(t, ada);
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
    const id = await picture(t, bob);
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
    const id = await picture(t, bob);
    const loose = await prepare(t, bob, 'later.png');
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
