/**
 * Files on messages (issue 26): any file type up to ARTIFACT_MAX_BYTES, served as an
 * attachment under a safe name, in byte ranges.
 */
import { describe, expect, it } from 'vitest';
import { contentDisposition } from '../src/http/downloads.js';
import { png, uploadFile, uploadRaw } from './helpers/artifacts.js';
import { useServer, type Person } from './helpers/server.js';

const MAX_BYTES = 256 * 1024;
const t = useServer({ artifacts: { maxBytes: MAX_BYTES } });

const uploaded = (person: Person, fileName: string, bytes: Buffer, fileType?: string) => uploadFile(t, person, fileName, bytes, fileType);

async function downloadUrl(person: Person, id: string): Promise<string> {
  const located = await t.as(person).post('/artifacts.locate', { id });
  expect(located.status).toBe(200);
  return located.body.url;
}

const text = (size: number) => Buffer.from(Array.from({ length: size }, (_, index) => 'abcdefghij'[index % 10]).join(''), 'latin1');

describe('artifacts.prepare and the upload of any file', () => {
  it('takes a PDF without a declared type, typed from its bytes, and anything else as application/octet-stream', async () => {
    const ada = await t.given.org();
    const pdf = await uploaded(ada, 'report.pdf', Buffer.from('%PDF-1.7\n…', 'utf8'));
    expect((await t.as(ada).post('/artifacts.get', { id: pdf })).body.artifact.file.type).toBe('application/pdf');
    const blob = await uploaded(ada, 'data.bin', Buffer.from([1, 2, 3]));
    expect((await t.as(ada).post('/artifacts.get', { id: blob })).body.artifact.file).toEqual({ type: 'application/octet-stream', name: 'data.bin', size: 3 });
  });

  it('refuses a file over ARTIFACT_MAX_BYTES with 400 invalid_field naming the limit, and takes one at it', async () => {
    const ada = await t.given.org();
    const over = await t.as(ada).post('/artifacts.prepare', { file_name: 'big.bin' });
    const refused = await uploadRaw(over.body.url, text(MAX_BYTES + 1));
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ type: 'invalid_field', field_name: 'file', message: expect.stringContaining(`${MAX_BYTES} bytes`) });
    await uploaded(ada, 'exact.bin', text(MAX_BYTES));
  });
});

describe('artifacts.download', () => {
  it('serves everything but PNG, JPEG, GIF and WebP as an attachment, with nosniff and the sandbox CSP', async () => {
    const ada = await t.given.org();
    const html = await uploaded(ada, 'page.html', Buffer.from('<script>alert(1)</script>'), 'text/html');
    const download = await fetch(await downloadUrl(ada, html));
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('text/html');
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="page.html"; filename*=UTF-8''page.html`);
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(download.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    const image = await uploaded(ada, 'me.png', png());
    const shown = await fetch(await downloadUrl(ada, image));
    expect(shown.headers.get('content-disposition')).toMatch(/^inline; /);
  });

  it('answers one Range with 206 and Content-Range, a suffix and an open range too', async () => {
    const ada = await t.given.org();
    const bytes = text(1000);
    const url = await downloadUrl(ada, await uploaded(ada, 'letters.txt', bytes, 'text/plain'));
    for (const [range, start, end] of [['bytes=10-19', 10, 19], ['bytes=990-', 990, 999], ['bytes=-5', 995, 999], ['bytes=995-5000', 995, 999]] as const) {
      const partial = await fetch(url, { headers: { range } });
      expect(partial.status, range).toBe(206);
      expect(partial.headers.get('content-range')).toBe(`bytes ${start}-${end}/1000`);
      expect(Buffer.from(await partial.arrayBuffer()).equals(bytes.subarray(start, end + 1))).toBe(true);
    }
    const whole = await fetch(url, { headers: { range: 'bytes=0-1,5-6' } });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('answers a Range past the end with 416, Content-Range bytes */size and a DevRev error body', async () => {
    const ada = await t.given.org();
    const url = await downloadUrl(ada, await uploaded(ada, 'letters.txt', text(100)));
    for (const range of ['bytes=100-', 'bytes=500-600', 'bytes=-0']) {
      const refused = await fetch(url, { headers: { range } });
      expect(refused.status, range).toBe(416);
      expect(refused.headers.get('content-range')).toBe('bytes */100');
      expect(await refused.json()).toMatchObject({ type: 'bad_request' });
    }
  });
});

describe('hostile file names', () => {
  const RLO = '\u202e';
  it.each([
    ['path separators', '../../etc/passwd', 'passwd'],
    ['Windows path separators', '..\\..\\boot.ini', 'boot.ini'],
    ['control characters', 'a\r\nSet-Cookie: x=1\u0000.txt', 'aSet-Cookie: x=1.txt'],
    ['an RTL override', `invoice${RLO}fdp.exe`, 'invoicefdp.exe'],
    ['1,000 characters', `${'n'.repeat(996)}.txt`, `${'n'.repeat(251)}.txt`],
  ])('are shown and served safely: %s', async (_name, given, safe) => {
    const ada = await t.given.org();
    const id = await uploaded(ada, given, Buffer.from('hello'), 'text/plain');
    expect((await t.as(ada).post('/artifacts.get', { id })).body.artifact.file.name).toBe(safe);
    const download = await fetch(await downloadUrl(ada, id));
    const disposition = download.headers.get('content-disposition')!;
    expect(disposition).toBe(contentDisposition(safe, false));
    expect(disposition).not.toMatch(/[\r\n\u0000]|\.\.\/|\\/);
  });

  it('quotes nothing the header could end on: quotes and non-ASCII go to filename*', () => {
    expect(contentDisposition('a"b;c.txt', false)).toBe(`attachment; filename="a_b;c.txt"; filename*=UTF-8''a%22b%3Bc.txt`);
    expect(contentDisposition("résumé (1)'s.pdf", true)).toBe(`inline; filename="r_sum_ (1)'s.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%281%29%27s.pdf`);
  });
});

/** A file `person` uploaded, ready to attach. */
const file = (person: Person, name = 'notes.txt') => uploaded(person, name, Buffer.from(`the contents of ${name}`), 'text/plain');

async function comment(author: Person, chat: { id: string }, extra: Record<string, unknown>) {
  return t.as(author).post('/timeline-entries.create', { type: 'timeline_comment', object: chat.id, ...extra });
}

async function editFiles(author: Person, entry: { id: string }, artifacts: Record<string, string[]>) {
  return t.as(author).post('/timeline-entries.update', { type: 'timeline_comment', id: entry.id, artifacts });
}

const idsOf = (entry: { artifacts?: { id: string }[] }) => (entry.artifacts ?? []).map((artifact) => artifact.id);

describe('timeline-entries.create with artifacts', () => {
  it('attaches files in the order given, by either id form, answering artifact summaries with file name, type and size', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const chat = await t.given.chat(ada, [bob]);
    const first = await file(ada, 'a.txt');
    const second = await uploaded(ada, 'b.png', png());
    const secondDisplayId = (await t.as(ada).post('/artifacts.get', { id: second })).body.artifact.display_id;
    const created = await comment(ada, chat, { body: 'two files', artifacts: [first, secondDisplayId] });
    expect(created.status).toBe(201);
    expect(created.body.timeline_entry.artifacts).toEqual([
      { id: first, display_id: expect.stringMatching(/^ARTIFACT-\d+$/), file: { name: 'a.txt', type: 'text/plain', size: 'the contents of a.txt'.length } },
      { id: second, display_id: secondDisplayId, file: { name: 'b.png', type: 'image/png', size: png().length } },
    ]);
    const read = await t.as(bob).post('/timeline-entries.get', { id: created.body.timeline_entry.id });
    expect(idsOf(read.body.timeline_entry)).toEqual([first, second]);
    const listed = await t.as(bob).post('/timeline-entries.list', { object: chat.id });
    expect(idsOf(listed.body.timeline_entries[0])).toEqual([first, second]);
  });

  it('takes a message of files alone, with no body or an empty one', async () => {
    const ada = await t.given.org();
    const chat = await t.given.chat(ada);
    for (const body of [{}, { body: '' }]) {
      const created = await comment(ada, chat, { ...body, artifacts: [await file(ada)] });
      expect(created.status, JSON.stringify(body)).toBe(201);
      expect(created.body.timeline_entry.artifacts).toHaveLength(1);
    }
    const empty = await comment(ada, chat, { body: '', artifacts: [] });
    expect(empty.status).toBe(400);
    expect(empty.body).toMatchObject({ type: 'invalid_field', field_name: 'body' });
  });

  it('refuses someone else\'s upload with 403 unless the caller is an admin, and stores nothing', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const carol = await t.given.user(admin);
    const chat = await t.given.chat(bob, [carol, admin]);
    const carols = await file(carol);
    const refused = await comment(bob, chat, { body: 'not mine', artifacts: [carols] });
    expect(refused.status).toBe(403);
    expect(refused.body.type).toBe('forbidden');
    expect((await t.as(bob).post('/timeline-entries.list', { object: chat.id })).body.timeline_entries).toEqual([]);
    expect((await comment(admin, chat, { body: 'an admin may', artifacts: [carols] })).status).toBe(201);
  });

  it('refuses a file attached elsewhere with 400 artifact_already_attached_to_a_parent, naming the parent', async () => {
    const ada = await t.given.org();
    const chat = await t.given.chat(ada);
    const shared = await file(ada);
    const first = (await comment(ada, chat, { body: 'first', artifacts: [shared] })).body.timeline_entry;
    const second = await comment(ada, chat, { body: 'second', artifacts: [shared] });
    expect(second.status).toBe(400);
    expect(second.body).toMatchObject({ type: 'artifact_already_attached_to_a_parent', existing_parent: first.id, is_same: false });
    const asPicture = await t.as(ada).post('/dev-users.self.update', { display_picture: shared });
    expect(asPicture.status).toBe(400);
    expect(asPicture.body).toMatchObject({ type: 'artifact_already_attached_to_a_parent', existing_parent: first.id });
  });

  it('refuses a file not yet uploaded (400 value_not_permitted), another org\'s (404), and more than 50', async () => {
    const ada = await t.given.org();
    const eve = await t.given.org();
    const chat = await t.given.chat(ada);
    const empty = await t.as(ada).post('/artifacts.prepare', { file_name: 'later.txt' });
    const notYet = await comment(ada, chat, { body: 'x', artifacts: [empty.body.id] });
    expect(notYet.status).toBe(400);
    expect(notYet.body).toMatchObject({ type: 'value_not_permitted', field_name: 'artifacts' });
    const foreign = await comment(ada, chat, { body: 'x', artifacts: [await file(eve)] });
    expect(foreign.status).toBe(404);
    const tooMany = await comment(ada, chat, { body: 'x', artifacts: Array.from({ length: 51 }, () => empty.body.id) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ type: 'invalid_field', field_name: 'artifacts' });
  });
});

describe('timeline-entries.update with artifacts', () => {
  it('adds, removes and sets files; a removed one is attached to nothing and may go elsewhere', async () => {
    const ada = await t.given.org();
    const chat = await t.given.chat(ada);
    const [a, b, c, d] = [await file(ada, 'a'), await file(ada, 'b'), await file(ada, 'c'), await file(ada, 'd')];
    const entry = (await comment(ada, chat, { body: 'files', artifacts: [a] })).body.timeline_entry;
    const added = await editFiles(ada, entry, { add: [b, c, a] });
    expect(added.status).toBe(200);
    expect(idsOf(added.body.timeline_entry)).toEqual([a, b, c]);
    const removed = await editFiles(ada, entry, { remove: [b, d] });
    expect(idsOf(removed.body.timeline_entry)).toEqual([a, c]);
    expect((await t.as(ada).post('/artifacts.list', { parent_id: entry.id })).body.artifacts.map((x: { id: string }) => x.id)).toEqual([a, c]);
    const set = await editFiles(ada, entry, { set: [d, a] });
    expect(idsOf(set.body.timeline_entry)).toEqual([d, a]);
    // b and c are attached to nothing now: another message may take them.
    const other = await comment(ada, chat, { body: 'reused', artifacts: [b, c] });
    expect(other.status).toBe(201);
    const cleared = await t.as(ada).post('/timeline-entries.update', { type: 'timeline_comment', id: entry.id, artifacts: { set: [] } });
    expect(cleared.body.timeline_entry.artifacts).toBeUndefined();
  });

  it('refuses set with add, taking the last file off a message of no text, and another author\'s edit', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const chat = await t.given.chat(ada, [bob]);
    const a = await file(ada);
    const entry = (await comment(ada, chat, { artifacts: [a] })).body.timeline_entry;
    const mixed = await editFiles(ada, entry, { set: [a], add: [a] });
    expect(mixed.status).toBe(400);
    expect(mixed.body).toMatchObject({ type: 'value_not_permitted', field_name: 'artifacts' });
    const emptied = await editFiles(ada, entry, { remove: [a] });
    expect(emptied.status).toBe(400);
    expect(emptied.body).toMatchObject({ type: 'invalid_field', field_name: 'body' });
    expect((await editFiles(bob, entry, { add: [await file(bob)] })).status).toBe(403);
    expect(idsOf((await t.as(ada).post('/timeline-entries.get', { id: entry.id })).body.timeline_entry)).toEqual([a]);
  });

  it('refuses someone else\'s upload and one attached elsewhere, changing nothing', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const chat = await t.given.chat(bob, [ada]);
    const entry = (await comment(bob, chat, { body: 'mine' })).body.timeline_entry;
    expect((await editFiles(bob, entry, { add: [await file(ada)] })).status).toBe(403);
    const elsewhere = await file(bob);
    const other = (await comment(bob, chat, { body: 'other', artifacts: [elsewhere] })).body.timeline_entry;
    const taken = await editFiles(bob, entry, { set: [elsewhere] });
    expect(taken.status).toBe(400);
    expect(taken.body).toMatchObject({ type: 'artifact_already_attached_to_a_parent', existing_parent: other.id, is_same: false });
    expect((await t.as(bob).post('/timeline-entries.get', { id: entry.id })).body.timeline_entry.artifacts).toBeUndefined();
  });
});

describe('the OpenAPI document', () => {
  it('describes files on messages: the create and update fields, their errors, and the download\'s 416', async () => {
    const doc = await (await fetch(`${t.url}/openapi.json`)).json();
    const download = doc.paths['/artifacts.download/{*}'].get;
    expect(download.responses['416'].description).toEqual(expect.stringContaining('Range'));
    expect(download.responses['416'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/error' });
    const text = JSON.stringify(doc);
    expect(text).toContain('artifact_already_attached_to_a_parent');
    expect(text).toContain('set replaces the files');
    const upload = doc.paths['/artifacts.upload/{*}'].post;
    expect(upload.responses['400'].description).toEqual(expect.stringContaining('ARTIFACT_MAX_BYTES'));
  });
});
