/**
 * Uploads, security round three: a form of many parts is refused after a few dozen, an
 * upload link is spent by its first attempt whatever its outcome, each user has a storage
 * quota, and artifacts attached to nothing are swept after a while.
 */
import { describe, expect, it } from 'vitest';
import { ARTIFACT_DEFAULTS, ConfigError, loadConfig } from '../src/config.js';
import { MAX_FORM_PARTS } from '../src/http/multipart.js';
import { picture, png, prepare, uploadForm, uploadRaw } from './helpers/artifacts.js';
import { assertMatchesSchema } from './helpers/contract.js';
import { useServer, type Person } from './helpers/server.js';

const QUOTA = 1024 * 1024;
const UNATTACHED_FOR_MS = 30_000;
// The sweep runs every tenth of the age: every 3 s here.
// ARTIFACT_MAX_BYTES at the old 5 MiB, so a body over the limit stays cheap to send.
const t = useServer({ artifacts: { quotaBytesPerUser: QUOTA, unattachedRetentionMs: UNATTACHED_FOR_MS, maxBytes: 5 * 1024 * 1024 } });

const BOUNDARY = 'confab-round-three';

/** A form of `fields` empty text parts and then the file, as raw bytes. */
function formOf(fields: number, file: Buffer): Buffer {
  const field = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="x"\r\n\r\n\r\n`;
  return Buffer.concat([
    Buffer.from(field.repeat(fields), 'latin1'),
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="me.png"\r\nContent-Type: image/png\r\n\r\n`, 'latin1'),
    file,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`, 'latin1'),
  ]);
}

const FORM = `multipart/form-data; boundary=${BOUNDARY}`;

/** A PNG `bytes` long: a real image's signature and chunks, then padding. */
function imageOf(bytes: number): Buffer {
  return Buffer.concat([png(), Buffer.alloc(bytes - png().length)]);
}

/** The size of an artifact's stored bytes; undefined until they are uploaded. */
async function storedSize(person: Person, id: string): Promise<number | undefined> {
  const got = await t.as(person).post('/artifacts.get', { id });
  expect(got.status).toBe(200);
  return got.body.artifact.file?.size;
}

/** What a second upload on a link already used successfully answers. */
async function usedLinkError(person: Person) {
  const prepared = await prepare(t, person);
  expect((await uploadForm(prepared, png())).status).toBe(204);
  const again = await uploadForm(prepared, png());
  expect(again.status).toBe(400);
  return again.body;
}

describe('an upload form of many parts', () => {
  it(`is refused with 400 bad_request naming the cap of ${MAX_FORM_PARTS} parts, and stores nothing`, async () => {
    const ada = await t.given.org();
    const prepared = await prepare(t, ada);
    // ~60k empty parts in 4 MiB: about half a second of the form parser's CPU, were it let in.
    const response = await uploadRaw(prepared.url, formOf(60_000, png()), FORM);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ type: 'bad_request', message: expect.stringContaining(`more than ${MAX_FORM_PARTS} parts`) });
    assertMatchesSchema('error-bad-request', response.body);
    expect(await storedSize(ada, prepared.id)).toBeUndefined();
  });

  it(`is refused from the first part past the cap, and taken at the cap`, async () => {
    const ada = await t.given.org();
    const over = await uploadRaw((await prepare(t, ada)).url, formOf(MAX_FORM_PARTS, png()), FORM);
    expect(over.status).toBe(400);
    expect(over.body.type).toBe('bad_request');
    const within = await prepare(t, ada);
    expect((await uploadRaw(within.url, formOf(MAX_FORM_PARTS - 1, png()), FORM)).status).toBe(204);
    expect(await storedSize(ada, within.id)).toBe(png().length);
  });
});

describe('an upload link', () => {
  const failures: [string, (url: string) => ReturnType<typeof uploadRaw>][] = [
    ['an empty file', (url) => uploadRaw(url, Buffer.alloc(0))],
    ['over ARTIFACT_MAX_BYTES within the body limit', (url) => uploadRaw(url, imageOf(5 * 1024 * 1024 + 1))],
    ['a malformed form', (url) => uploadRaw(url, Buffer.from('--nope\r\n'), 'multipart/form-data; boundary=zz')],
    ['a form without a file', (url) => uploadRaw(url, Buffer.from(`--${BOUNDARY}--\r\n`), FORM)],
    ['over the body limit', (url) => uploadRaw(url, imageOf(6 * 1024 * 1024))],
    ['too many parts', (url) => uploadRaw(url, formOf(MAX_FORM_PARTS + 1, png()), FORM)],
  ];

  it.each(failures)('is spent by a failed first attempt (%s): a second is refused as a used link is', async (_name, fail) => {
    const ada = await t.given.org();
    const used = await usedLinkError(ada);
    expect(used).toMatchObject({ type: 'value_not_permitted', field_name: 'file' });
    const prepared = await prepare(t, ada);
    expect((await fail(prepared.url)).status).toBe(400);
    const again = await uploadForm(prepared, png());
    expect(again.status).toBe(400);
    expect(again.body).toEqual(used);
    expect(await storedSize(ada, prepared.id)).toBeUndefined();
  });

  it('lets only one of two concurrent attempts in', async () => {
    const ada = await t.given.org();
    const prepared = await prepare(t, ada);
    const answers = await Promise.all([uploadForm(prepared, png(3)), uploadForm(prepared, png(5))]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([204, 400]);
  });
});

describe('the per-user storage quota', () => {
  it('refuses an upload past it with 400 value_not_permitted on file, and stores nothing', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const first = await prepare(t, bob);
    expect((await uploadRaw(first.url, imageOf(600 * 1024))).status).toBe(204);
    const second = await prepare(t, bob);
    const refused = await uploadRaw(second.url, imageOf(600 * 1024));
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ type: 'value_not_permitted', field_name: 'file', reason: expect.stringContaining(`quota of ${QUOTA} bytes`) });
    assertMatchesSchema('error-bad-request', refused.body);
    expect(await storedSize(bob, second.id)).toBeUndefined();
    const listed = await t.as(bob).post('/artifacts.list', {});
    expect(listed.body.artifacts.map((artifact: { file?: { size?: number } }) => artifact.file?.size ?? 0).reduce((a: number, b: number) => a + b)).toBe(600 * 1024);
    // What still fits is taken; another user has a quota of their own.
    expect((await uploadRaw((await prepare(t, bob)).url, imageOf(400 * 1024))).status).toBe(204);
    const carol = await t.given.user(admin);
    expect((await uploadRaw((await prepare(t, carol)).url, imageOf(600 * 1024))).status).toBe(204);
  });

  it('holds for concurrent uploads of one user: one of two that together pass it gets in', async () => {
    const admin = await t.given.org();
    const dan = await t.given.user(admin);
    const links = [await prepare(t, dan), await prepare(t, dan)];
    const answers = await Promise.all(links.map((link) => uploadRaw(link.url, imageOf(600 * 1024))));
    expect(answers.map((answer) => answer.status).sort()).toEqual([204, 400]);
  });
});

describe('artifacts attached to nothing', () => {
  const numberOf = (id: string) => Number(id.split('/').pop());
  const numbersIn = async (org: Person['org']) =>
    (await t.executeBehindItsBack('SELECT number FROM artifacts WHERE org_id = ? ORDER BY number', [org.id])).map((row) => Number(row.number));

  it('are removed once unattached for the configured time; display pictures in use and recent uploads stay', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const carol = await t.given.user(admin);
    const loose = await picture(t, admin, 'loose.png');
    const replaced = await picture(t, admin, 'old.png');
    expect((await t.as(admin).post('/dev-users.self.update', { display_picture: replaced })).status).toBe(200);
    const current = await picture(t, admin, 'current.png');
    expect((await t.as(admin).post('/dev-users.self.update', { display_picture: current })).status).toBe(200);
    const bobs = await picture(t, bob, 'bob.png');
    expect((await t.as(bob).post('/dev-users.self.update', { display_picture: bobs })).status).toBe(200);
    const cleared = await picture(t, carol, 'carol.png');
    expect((await t.as(carol).post('/dev-users.self.update', { display_picture: cleared })).status).toBe(200);
    expect((await t.as(carol).post('/dev-users.self.update', { display_picture: null })).status).toBe(200);
    // All of them last changed two days ago, as if that much time had passed; then one more, now.
    await t.executeBehindItsBack('UPDATE artifacts SET created_at = ?, modified_at = ? WHERE org_id = ?', [
      new Date(Date.now() - 2 * 86_400_000).toISOString(),
      new Date(Date.now() - 2 * 86_400_000).toISOString(),
      admin.org.id,
    ]);
    const fresh = await picture(t, admin, 'fresh.png');

    const gone = [loose, replaced, cleared].map(numberOf);
    const deadline = Date.now() + 20_000;
    while ((await numbersIn(admin.org)).some((number) => gone.includes(number)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await numbersIn(admin.org)).toEqual([current, bobs, fresh].map(numberOf).sort((a, b) => a - b));
    expect((await t.as(admin).post('/artifacts.get', { id: loose })).status).toBe(404);
    expect((await t.as(admin).get('/dev-users.self')).body.dev_user.display_picture.id).toBe(current);
    expect((await t.as(bob).get('/dev-users.self')).body.dev_user.display_picture.id).toBe(bobs);
  }, 40_000);
});

describe('the OpenAPI document', () => {
  it('describes the upload\'s error responses: the parts cap, the spent link, the quota, a bad link', async () => {
    const doc = await (await fetch(`${t.url}/openapi.json`)).json();
    const upload = doc.paths['/artifacts.upload/{*}'].post;
    expect(upload.responses['400'].description).toEqual(expect.stringContaining(`more than ${MAX_FORM_PARTS} parts`));
    expect(upload.responses['400'].description).toEqual(expect.stringContaining('link already used'));
    expect(upload.responses['400'].description).toEqual(expect.stringContaining('ARTIFACT_QUOTA_BYTES_PER_USER'));
    expect(upload.responses['404'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/error' });
    expect(upload.errorResponses).toBeUndefined();
  });
});

describe('configuration of uploads', () => {
  it('defaults to a quota of 1 GiB per user and a day before an unattached artifact goes', () => {
    expect(loadConfig({}, {}).artifacts).toEqual({});
    expect(ARTIFACT_DEFAULTS).toEqual({ maxBytes: 25 * 1024 ** 2, quotaBytesPerUser: 1024 ** 3, unattachedRetentionMs: 86_400_000 });
  });

  it('reads ARTIFACT_QUOTA_BYTES_PER_USER (0 = no quota), ARTIFACT_UNATTACHED_RETENTION_MS and ARTIFACT_MAX_BYTES', () => {
    const config = loadConfig({}, { ARTIFACT_QUOTA_BYTES_PER_USER: '0', ARTIFACT_UNATTACHED_RETENTION_MS: '60000', ARTIFACT_MAX_BYTES: '1048576' });
    expect(config.artifacts).toEqual({ quotaBytesPerUser: 0, unattachedRetentionMs: 60_000, maxBytes: 1_048_576 });
  });

  it.each([
    ['ARTIFACT_MAX_BYTES', '0'],
    ['ARTIFACT_MAX_BYTES', '25MiB'],
    ['ARTIFACT_MAX_BYTES', String(100 * 1024 * 1024 + 1)],
    ['ARTIFACT_QUOTA_BYTES_PER_USER', '-1'],
    ['ARTIFACT_QUOTA_BYTES_PER_USER', '1GiB'],
    ['ARTIFACT_UNATTACHED_RETENTION_MS', '0'],
    ['ARTIFACT_UNATTACHED_RETENTION_MS', 'a day'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => loadConfig({}, { [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({}, { [name]: value })).toThrow(name);
  });
});
