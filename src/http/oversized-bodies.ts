/**
 * A body over the limit still gets an answer the client can read. Fastify stops reading
 * at the limit and answers at once; the server then closes while the client is still
 * sending, and the client sees `EPIPE`/`ECONNRESET` instead of the 400. So the rest of an
 * oversized body is read and thrown away first, up to a bound (16 MiB by default), and
 * only then is the 400 sent, with `Connection: close`. Past the bound the answer is sent
 * and the connection closed without reading more: nobody is owed an unbounded download.
 */
import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BadRequest } from '../domain/errors.js';

export const DEFAULT_BODY_DISCARD_LIMIT_BYTES = 16 * 1024 * 1024;

export function isBodyTooLarge(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'FST_ERR_CTP_BODY_TOO_LARGE';
}

/** DevRev's contract has no 413: it is a 400 that says what the limit is. */
export function bodyTooLarge(limitBytes: number): BadRequest {
  return new BadRequest('bad_request', `the request body is too large: at most ${formatBytes(limitBytes)}`);
}

/**
 * Reads and discards what is left of the request body. Resolves true once the body ended
 * within `boundBytes` read in all (counting the `limitBytes` Fastify read before giving up),
 * false when it would pass the bound or the client went away first.
 */
export function discardRestOfBody(request: FastifyRequest, limitBytes: number, boundBytes: number): Promise<boolean> {
  const raw = request.raw;
  if (raw.complete || raw.readableEnded) return Promise.resolve(true);
  const declared = Number(raw.headers['content-length']);
  // With a Content-Length over the limit Fastify read nothing; otherwise it read up to the limit.
  if (Number.isFinite(declared) && declared > boundBytes) return Promise.resolve(false);
  let read = Number.isFinite(declared) ? 0 : limitBytes;
  return new Promise((resolve) => {
    const finish = (ended: boolean) => {
      raw.off('data', onData);
      raw.off('end', onEnd);
      raw.off('error', onFailure);
      raw.off('close', onFailure);
      if (!ended) raw.pause();
      resolve(ended);
    };
    const onData = (chunk: Buffer) => {
      read += chunk.length;
      if (read > boundBytes) finish(false);
    };
    const onEnd = () => finish(true);
    const onFailure = () => finish(false);
    raw.on('data', onData);
    raw.once('end', onEnd);
    raw.once('error', onFailure);
    raw.once('close', onFailure);
    raw.resume();
  });
}

/**
 * Reads and discards the rest of a body whose request is answered already (a streamed
 * form refused part-way, see multipart.ts), so that the client reads the answer while it
 * is still sending rather than a reset. Once the body ends the connection carries on;
 * past `boundBytes` more it is closed, once the answer is out.
 */
export function discardAfterAnswer(body: Readable, reply: FastifyReply, boundBytes: number): void {
  if (body.readableEnded) return;
  let read = 0;
  const onData = (chunk: Buffer) => {
    read += chunk.length;
    if (read <= boundBytes) return;
    body.off('data', onData);
    body.pause();
    const close = () => reply.raw.destroy();
    if (reply.raw.writableFinished) close();
    else reply.raw.once('finish', close);
  };
  body.on('data', onData);
  body.resume();
}

function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  if (Number.isInteger(mib)) return `${mib} MiB`;
  const kib = bytes / 1024;
  return Number.isInteger(kib) ? `${kib} KiB` : `${bytes} bytes`;
}
