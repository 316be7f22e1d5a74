/**
 * Limits on what a request may carry, each refused with a DevRev 400 body. The body size
 * is Fastify's `bodyLimit` (see app.ts); array and string lengths are on the schemas;
 * custom fields are bounded in the domain. This module adds what neither can see:
 * nesting depth, and errors Node raises before Fastify has a request (oversized headers).
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { BadRequest } from '../domain/errors.js';
import { errorBody } from './errors.js';

/** Deeper JSON than any DevRev object, and shallow enough for every recursive walk. */
export const MAX_JSON_DEPTH = 32;

/**
 * The error for a parsed JSON body nested too deep, if it is. Called by the JSON parser
 * only: a raw upload is bytes, and walking a 5 MB buffer value by value costs half a
 * second of CPU an unauthenticated caller could ask for again and again.
 */
export function jsonDepthError(parsed: unknown): BadRequest | undefined {
  return depthExceeds(parsed, MAX_JSON_DEPTH)
    ? new BadRequest('bad_request', `the request body is nested more than ${MAX_JSON_DEPTH} levels deep`)
    : undefined;
}

/** Iterative, so a body of a million `[` cannot overflow the stack while being measured. */
export function depthExceeds(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth > max) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

/**
 * Node rejects some requests before Fastify sees them: headers over `maxHeaderSize`
 * (16 KiB), malformed request lines, header timeouts. They get a DevRev 400 too.
 */
export function clientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
  const message =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 'the request headers are too large (at most 16 KiB)'
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'the request was not received in time'
        : 'the request is not valid HTTP';
  const body = JSON.stringify(errorBody(new BadRequest('bad_request', message)));
  this.log.debug({ err: error }, 'client error');
  socket.end(
    `HTTP/1.1 400 ${STATUS_CODES[400]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
