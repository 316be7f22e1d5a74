/** Building blocks for tests of artifacts: real image bytes, and the upload flow as a client runs it. */
import { crc32, deflateSync } from 'node:zlib';
import { expect } from 'vitest';
import type { Person, TestServer } from './server.js';

/** A real PNG of `width`×1 grey pixels: signature, IHDR, IDAT, IEND with their CRCs. */
export function png(width = 1): Buffer {
  const scanline = Buffer.concat([Buffer.from([0]), Buffer.alloc(width, 0x80)]);
  return encodePng(width, 1, 0, scanline);
}

/** A real `width`×`height` colour PNG (a diagonal gradient): something that looks like a picture in a screenshot. */
export function gradientPng(width: number, height: number): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      row[1 + x * 3] = Math.round(40 + (180 * x) / width);
      row[2 + x * 3] = Math.round(110 + (100 * y) / height);
      row[3 + x * 3] = 200;
    }
    rows.push(row);
  }
  return encodePng(width, height, 2, Buffer.concat(rows));
}

/** Signature, IHDR (8-bit, colour type 0 grey or 2 RGB), IDAT of the filtered scanlines, IEND, with their CRCs. */
function encodePng(width: number, height: number, colourType: 0 | 2, scanlines: Buffer): Buffer {
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
  header.writeUInt32BE(height, 4);
  header.set([8, colourType, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(scanlines)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** What `artifacts.prepare` answers: the artifact's id and where to upload its bytes. */
export interface Prepared {
  id: string;
  url: string;
  form_data: { key: string; value: string }[];
}

export async function prepare(t: TestServer, person: Person, fileName = 'me.png'): Promise<Prepared> {
  const response = await t.as(person).post('/artifacts.prepare', { file_name: fileName, file_type: 'image/png' });
  expect(response.status).toBe(200);
  return response.body as Prepared;
}

/** Uploads as DevRev's docs do: the form fields `prepare` gave, then the file. */
export async function uploadForm(prepared: Omit<Prepared, 'id'>, bytes: Buffer, name = 'me.png') {
  const form = new FormData();
  for (const { key, value } of prepared.form_data) form.append(key, value);
  form.append('file', new Blob([Uint8Array.from(bytes)], { type: 'image/png' }), name);
  const response = await fetch(prepared.url, { method: 'POST', body: form });
  return { status: response.status, body: await bodyOf(response) };
}

export async function uploadRaw(url: string, bytes: Buffer, contentType = 'application/octet-stream') {
  const response = await fetch(url, { method: 'POST', body: Uint8Array.from(bytes), headers: { 'content-type': contentType } });
  return { status: response.status, body: await bodyOf(response) };
}

async function bodyOf(response: globalThis.Response) {
  const text = await response.text();
  return text ? JSON.parse(text) : undefined;
}

/** An uploaded picture of `person`, ready to attach. */
export async function picture(t: TestServer, person: Person, fileName = 'me.png') {
  const prepared = await prepare(t, person, fileName);
  expect((await uploadForm(prepared, png())).status).toBe(204);
  return prepared.id;
}


/** Any file `person` prepared (as `fileType`, or none) and uploaded raw: its artifact id. */
export async function uploadFile(t: TestServer, person: Person, fileName: string, bytes: Buffer, fileType?: string): Promise<string> {
  const prepared = await t.as(person).post('/artifacts.prepare', { file_name: fileName, ...(fileType && { file_type: fileType }) });
  expect(prepared.status).toBe(200);
  expect((await uploadRaw(prepared.body.url, bytes)).status).toBe(204);
  return prepared.body.id;
}
