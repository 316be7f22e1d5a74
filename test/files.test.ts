/**
 * Files on messages (issue 26): any file type up to ARTIFACT_MAX_BYTES, served as an
 * attachment under a safe name, in byte ranges.
 */
import { describe, expect, it } from 'vitest';
import { contentDisposition } from '../src/http/downloads.js';
import { png, uploadRaw } from './helpers/artifacts.js';
import { useServer, type Person } from './helpers/server.js';

const MAX_BYTES = 256 * 1024;
const t = useServer({ artifacts: { maxBytes: MAX_BYTES } });

/** Prepares `fileName` as `person`, uploads `bytes` raw, and answers its id. */
async function uploaded(person: Person, fileName: string, bytes: Buffer, fileType?: string): Promise<string> {
  const prepared = await t.as(person).post('/artifacts.prepare', { file_name: fileName, ...(fileType && { file_type: fileType }) });
  expect(prepared.status).toBe(200);
  expect((await uploadRaw(prepared.body.url, bytes)).status).toBe(204);
  return prepared.body.id;
}

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
