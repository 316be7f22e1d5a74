/**
 * The `file` part of a `multipart/form-data` upload, read as the body arrives.
 *
 * The form is parsed as a stream (@fastify/busboy) and only the file part's bytes are
 * kept; every other part is skipped as it passes. The first limit crossed ends the parse
 * there and then, whatever is still on its way: a body of ~100k empty parts is refused
 * after a few dozen delimiters, and a file over the limit after the limit's worth of bytes.
 * What becomes of the rest of the body is the caller's (see `discardAfterAnswer`).
 */
import type { Readable } from 'node:stream';
import { Busboy, type BusboyInstance } from '@fastify/busboy';
import { fileTooLarge } from '../domain/artifacts.js';
import { BadRequest } from '../domain/errors.js';
import { bodyTooLarge } from './oversized-bodies.js';

/**
 * DevRev's upload form carries the fields `artifacts.prepare` returned (an object store's
 * policy: about ten) and the file; Confab returns none, but clients send what they got.
 */
export const MAX_FORM_PARTS = 32;

/** Fields are skipped unread, so none needs to be kept whole; this bounds what the parser holds. */
const MAX_FIELD_BYTES = 1024;

export interface FormLimits {
  /** The largest file taken; one byte more refuses the form. */
  fileBytes: number;
  /** The whole body, envelope and skipped parts included. */
  bodyBytes: number;
}

/**
 * Reads the form in `body` until it ends, or until a limit is crossed or the form is found
 * malformed: then reading stops at once, `body` is unpiped and left paused, and the result
 * is that error. The file is the one file part of the form (a part with a filename, or
 * named `file`): its name is DevRev's documented `file`, but a browser's form may name it
 * otherwise.
 */
export function fileOfForm(body: Readable, contentType: string, limits: FormLimits): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    let parser: BusboyInstance;
    try {
      parser = new Busboy({
        headers: { 'content-type': contentType },
        isPartAFile: (name, _type, fileName) => name === 'file' || fileName !== undefined,
        limits: { parts: MAX_FORM_PARTS, files: 1, fieldSize: MAX_FIELD_BYTES, fileSize: limits.fileBytes },
      });
    } catch {
      return reject(malformed());
    }

    let read = 0;
    let file: Buffer[] | undefined;
    let settled = false;
    const settle = (error: BadRequest | undefined) => {
      if (settled) return;
      settled = true;
      body.off('data', countBytes);
      body.unpipe(parser);
      body.pause();
      if (error) return reject(error);
      if (!file) return reject(BadRequest.missingField('file'));
      resolve(Buffer.concat(file));
    };
    const countBytes = (chunk: Buffer) => {
      read += chunk.length;
      if (read > limits.bodyBytes) settle(bodyTooLarge(limits.bodyBytes));
    };

    parser.on('file', (_name, stream) => {
      const chunks: Buffer[] = [];
      file = chunks;
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => settle(fileTooLarge(limits.fileBytes)));
      stream.on('error', () => settle(malformed()));
    });
    parser.on('partsLimit', () => settle(tooManyParts()));
    parser.on('filesLimit', () => settle(tooManyFiles()));
    parser.on('error', () => settle(malformed()));
    parser.on('finish', () => settle(undefined));
    body.on('data', countBytes);
    body.on('error', () => settle(malformed()));
    // A client gone mid-body: nothing else would end the wait.
    body.on('close', () => body.readableEnded || settle(malformed()));
    body.pipe(parser);
  });
}

function tooManyParts(): BadRequest {
  return new BadRequest('bad_request', `the form has more than ${MAX_FORM_PARTS} parts: send the file and at most ${MAX_FORM_PARTS - 1} fields`);
}

function tooManyFiles(): BadRequest {
  return new BadRequest('bad_request', 'the form has more than one file: send only the part named "file"');
}

function malformed(): BadRequest {
  return new BadRequest('parse_error', 'the request body is not a valid multipart form');
}
