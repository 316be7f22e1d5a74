/**
 * The `file` part of a `multipart/form-data` upload body.
 *
 * The body is already in memory (bounded by the upload route's body limit). Before the
 * form is parsed its parts are counted with a native byte search that stops at the cap:
 * ~100k empty parts in 5 MiB cost about a second of CPU in the form parser, and a few
 * dozen delimiter searches cost nothing. Parsing itself is undici's (`Response.formData`),
 * which keeps every part of at most `MAX_FORM_PARTS`; a streaming parser that keeps only
 * the file (@fastify/busboy) would replace `parseForm` alone.
 */
import { BadRequest } from '../domain/errors.js';

/**
 * DevRev's upload form carries the fields `artifacts.prepare` returned (an object store's
 * policy: about ten) and the file; Confab returns none, but clients send what they got.
 */
export const MAX_FORM_PARTS = 32;

export function isMultipart(contentType: string): boolean {
  return /^multipart\/form-data\b/i.test(contentType);
}

export async function fileOfForm(body: Buffer, contentType: string): Promise<Uint8Array> {
  const boundary = boundaryOf(contentType);
  if (boundary === undefined) throw malformed();
  if (countParts(body, boundary, MAX_FORM_PARTS) > MAX_FORM_PARTS) {
    throw new BadRequest('bad_request', `the form has more than ${MAX_FORM_PARTS} parts: send the file and at most ${MAX_FORM_PARTS - 1} fields`);
  }
  const form = await parseForm(body, contentType);
  const file = form.get('file') ?? [...form.values()].find((value) => typeof value !== 'string');
  if (file === null || file === undefined || typeof file === 'string') throw BadRequest.missingField('file');
  return new Uint8Array(await file.arrayBuffer());
}

/** RFC 2046: 1–70 characters, quoted or not. */
function boundaryOf(contentType: string): string | undefined {
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/**
 * The parts of a form, counted up to `cap + 1` and no further. Every part starts with a
 * delimiter line `--boundary`, at the start of the body or after a CRLF, and the last one
 * is followed by the closing delimiter; a part's content cannot hold a delimiter.
 */
function countParts(body: Buffer, boundary: string, cap: number): number {
  const first = Buffer.from(`--${boundary}`, 'latin1');
  const next = Buffer.from(`\r\n--${boundary}`, 'latin1');
  let delimiters = body.subarray(0, first.length).equals(first) ? 1 : 0;
  for (let at = body.indexOf(next); at !== -1 && delimiters <= cap + 1; at = body.indexOf(next, at + next.length)) delimiters++;
  // The closing delimiter ends the last part rather than starting one.
  return Math.max(0, delimiters - 1);
}

async function parseForm(body: Buffer, contentType: string): Promise<FormData> {
  try {
    return await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw malformed();
  }
}

function malformed(): BadRequest {
  return new BadRequest('parse_error', 'the request body is not a valid multipart form');
}
