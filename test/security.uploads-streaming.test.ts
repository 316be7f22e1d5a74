/**
 * Upload forms are parsed as they arrive: a form that crosses a limit is answered the
 * moment it does, while the client is still sending, and nothing but the file is kept.
 */
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { MAX_FORM_PARTS } from '../src/http/multipart.js';
import { png, prepare, uploadForm, uploadRaw } from './helpers/artifacts.js';
import { assertMatchesSchema } from './helpers/contract.js';
import { useServer, type Person } from './helpers/server.js';

/** The largest file an upload may carry here (ARTIFACT_MAX_BYTES), small so the tests stay quick. */
const MAX_ARTIFACT_BYTES = 5 * 1024 * 1024;
const t = useServer({ artifacts: { maxBytes: MAX_ARTIFACT_BYTES } });

const BOUNDARY = 'confab-streaming';
const FORM = `multipart/form-data; boundary=${BOUNDARY}`;
/** More than any answer should wait for: a server that reads whole bodies would want all of it. */
const ENDLESS_BYTES = 50 * 1024 * 1024;

const emptyPart = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="x"\r\n\r\n\r\n`;
const filePartHead = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="me.png"\r\nContent-Type: image/png\r\n\r\n`;

interface Answer {
  status: number;
  body: Record<string, unknown>;
  /** Bytes of the body written when the answer came. */
  sentBytes: number;
}

/**
 * POSTs a body made of `first` and then `next()` chunk after chunk, a little at a time,
 * and never ends it: what the server answers comes while the client is still sending, or
 * not at all (after `ENDLESS_BYTES` the attempt fails).
 */
function sendWithoutEnd(url: string, first: Buffer, next: () => Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const upload = request(url, { method: 'POST', headers: { 'content-type': FORM } });
    // Once answered, the client stops; the server may close before it does.
    upload.on('error', (error) => answered || reject(error));
    upload.on('response', (response) => {
      answered = true;
      const sentBytes = sent;
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        upload.destroy();
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(text), sentBytes });
      });
    });
    const write = (chunk: Buffer) => {
      if (answered) return;
      if (sent >= ENDLESS_BYTES) return reject(new Error(`no answer after ${sent} bytes: the server waits for the end of the body`));
      sent += chunk.length;
      upload.write(chunk, () => setTimeout(() => write(next()), 1));
    };
    write(first);
  });
}

/** What a second attempt on a link answers: the link is spent whatever became of the first. */
async function expectSpent(url: string) {
  const again = await uploadForm({ url, form_data: [] }, png());
  expect(again.status).toBe(400);
  expect(again.body).toMatchObject({ type: 'value_not_permitted', field_name: 'file' });
}

async function storedSize(person: Person, id: string): Promise<number | undefined> {
  return (await t.as(person).post('/artifacts.get', { id })).body.artifact.file?.size;
}

describe('an upload form parsed as it arrives', () => {
  it(`answers an endless stream of empty parts with 400 after ${MAX_FORM_PARTS}, before the client stops sending`, async () => {
    const ada = await t.given.org();
    const prepared = await prepare(t, ada);
    const parts = Buffer.from(emptyPart.repeat(1000), 'latin1');
    const answer = await sendWithoutEnd(prepared.url, parts, () => parts);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ type: 'bad_request', message: expect.stringContaining(`more than ${MAX_FORM_PARTS} parts`) });
    assertMatchesSchema('error-bad-request', answer.body);
    // Answered long before a body's worth arrived: the server read a few dozen parts, not megabytes.
    expect(answer.sentBytes).toBeLessThan(MAX_ARTIFACT_BYTES);
    expect(await storedSize(ada, prepared.id)).toBeUndefined();
    await expectSpent(prepared.url);
  });

  it('answers a file that keeps growing past the limit with 400 invalid_field while it is being sent', async () => {
    const ada = await t.given.org();
    const prepared = await prepare(t, ada);
    const padding = Buffer.alloc(64 * 1024);
    const answer = await sendWithoutEnd(prepared.url, Buffer.concat([Buffer.from(filePartHead, 'latin1'), png()]), () => padding);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ type: 'invalid_field', field_name: 'file', message: `file: larger than ${MAX_ARTIFACT_BYTES} bytes (ARTIFACT_MAX_BYTES)` });
    assertMatchesSchema('error-bad-request', answer.body);
    expect(answer.sentBytes).toBeGreaterThan(MAX_ARTIFACT_BYTES);
    expect(answer.sentBytes).toBeLessThan(MAX_ARTIFACT_BYTES + 2 * 1024 * 1024);
    expect(await storedSize(ada, prepared.id)).toBeUndefined();
    await expectSpent(prepared.url);
  });

  it('takes a file of exactly the limit', async () => {
    const ada = await t.given.org();
    const prepared = await prepare(t, ada);
    const file = Buffer.concat([png(), Buffer.alloc(MAX_ARTIFACT_BYTES - png().length)]);
    expect((await uploadForm(prepared, file)).status).toBe(204);
    expect(await storedSize(ada, prepared.id)).toBe(MAX_ARTIFACT_BYTES);
  });

  it('skips fields of any size and keeps the file', async () => {
    const ada = await t.given.org();
    const prepared = await prepare(t, ada);
    const policy = 'p'.repeat(200 * 1024);
    const response = await uploadForm({ url: prepared.url, form_data: [{ key: 'policy', value: policy }, { key: 'key', value: 'k' }] }, png(3));
    expect(response.status).toBe(204);
    expect(await storedSize(ada, prepared.id)).toBe(png(3).length);
  });

  it('refuses a form of two files with 400 bad_request', async () => {
    const ada = await t.given.org();
    const prepared = await prepare(t, ada);
    const form = new FormData();
    form.append('file', new Blob([Uint8Array.from(png())], { type: 'image/png' }), 'a.png');
    form.append('other', new Blob([Uint8Array.from(png())], { type: 'image/png' }), 'b.png');
    const response = await fetch(prepared.url, { method: 'POST', body: form });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ type: 'bad_request', message: expect.stringContaining('more than one file') });
    expect(await storedSize(ada, prepared.id)).toBeUndefined();
  });

  it('refuses a body over the upload limit around a small file with 400 bad_request', async () => {
    const ada = await t.given.org();
    const prepared = await prepare(t, ada);
    // After the closing delimiter: an epilogue, which the parser skips but the limit counts.
    const body = Buffer.concat([Buffer.from(filePartHead, 'latin1'), png(), Buffer.from(`\r\n--${BOUNDARY}--\r\n`, 'latin1'), Buffer.alloc(6 * 1024 * 1024)]);
    const response = await uploadRaw(prepared.url, body, FORM);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ type: 'bad_request', message: expect.stringContaining('the request body is too large') });
    expect(await storedSize(ada, prepared.id)).toBeUndefined();
  });
});
