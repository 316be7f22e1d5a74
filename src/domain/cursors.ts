/**
 * List cursors: opaque to clients, tamper-evident to us. A cursor is a position in one
 * chat's timeline, signed with HMAC-SHA256 under a server secret kept in the database, so
 * a forged, altered or foreign cursor (another chat's, another server's) is refused with a
 * 400 before it reaches a query, and a genuine one survives restarts and works on every
 * process that shares the database.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Store } from '../store/index.js';
import { BadRequest } from './errors.js';
import { now } from '../model/index.js';
import { MAX_CURSOR_LENGTH } from '../schema/limits.js';

export type ListMode = 'after' | 'before';

export interface TimelineCursor {
  chatId: number;
  createdAt: string;
  id: number;
  /** The direction the cursor was issued for: `next_cursor` is `after`, `prev_cursor` `before`. */
  mode: ListMode;
}

const VERSION = 'v1';
const SECRET_NAME = 'timeline-cursor';
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export async function cursorSecret(store: Store): Promise<Buffer> {
  return store.secrets.getOrCreate(SECRET_NAME, now());
}

export function sealCursor(secret: Buffer, cursor: TimelineCursor): string {
  return seal(secret, { c: cursor.chatId, t: cursor.createdAt, i: cursor.id, m: cursor.mode === 'after' ? 'a' : 'b' });
}

/** The cursor's position, if `text` is a cursor this server issued for `chatId`; else a 400. */
export function openCursor(secret: Buffer, text: string, chatId: number): TimelineCursor {
  const { c, t, i, m } = unseal(secret, text);
  // The signature says we wrote it; the shape check keeps an old or buggy cursor from a 500.
  if (!Number.isSafeInteger(c) || !Number.isSafeInteger(i) || typeof t !== 'string' || !TIMESTAMP.test(t)) throw invalidCursor();
  if (m !== 'a' && m !== 'b') throw invalidCursor();
  // A cursor of another chat is refused rather than followed: it is not this list's place.
  if (c !== chatId) throw invalidCursor();
  return { chatId: c as number, createdAt: t, id: i as number, mode: m === 'a' ? 'after' : 'before' };
}

/**
 * Any cursor's signed envelope: `v1.<payload>.<mac>`, the payload base64url JSON. Every
 * list (timelines, chats.list and search, the identity lists in list-cursors.ts, the
 * request journal) seals its position with it, under the one secret.
 */
export function seal(secret: Buffer, body: Record<string, unknown>): string {
  const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
  return `${VERSION}.${payload}.${mac(secret, payload)}`;
}

/** The body of a cursor this server sealed; a forged, altered or truncated one is a 400 on `cursor`. */
export function unseal(secret: Buffer, text: string): Record<string, unknown> {
  if (text.length > MAX_CURSOR_LENGTH) throw invalidCursor();
  const [version, payload, signature, ...rest] = text.split('.');
  if (version !== VERSION || !payload || !signature || rest.length > 0) throw invalidCursor();
  const expected = Buffer.from(mac(secret, payload));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidCursor();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (decoded === null || typeof decoded !== 'object' || Array.isArray(decoded)) throw invalidCursor();
  return decoded as Record<string, unknown>;
}

export function invalidCursor(): BadRequest {
  return BadRequest.invalidField('cursor', 'not a cursor issued for this list');
}

function mac(secret: Buffer, payload: string): string {
  return createHmac('sha256', secret).update(`${VERSION}.${payload}`).digest('base64url');
}

/**
 * A position in any other list ordered by a key and a row id (chats.list: a chat's
 * activity and id; search: a rank and an id). `list` names the list and whose it is
 * (`chats.list:<user>`), so one list's cursor is refused by another.
 */
export interface KeyCursor {
  list: string;
  key: string;
  id: number;
  mode: ListMode;
}

export function sealKeyCursor(secret: Buffer, cursor: KeyCursor): string {
  return seal(secret, { l: cursor.list, k: cursor.key, i: cursor.id, m: cursor.mode === 'after' ? 'a' : 'b' });
}

export function openKeyCursor(secret: Buffer, text: string, list: string): KeyCursor {
  const { l, k, i, m } = unseal(secret, text);
  if (l !== list || typeof k !== 'string' || k.length > 64 || !Number.isSafeInteger(i)) throw invalidCursor();
  if (m !== 'a' && m !== 'b') throw invalidCursor();
  return { list, key: k, id: i as number, mode: m === 'a' ? 'after' : 'before' };
}

/**
 * A plain position in a list that has one (the request journal), with a scope naming the
 * list it belongs to, so a cursor of another list or organization is refused like a forged one.
 */
export function sealPosition(secret: Buffer, scope: string, position: number): string {
  return seal(secret, { s: scope, p: position });
}

/** The position, if `text` is a cursor this server sealed for `scope`; else a 400 on `cursor`. */
export function openPosition(secret: Buffer, text: string, scope: string): number {
  const { s, p } = unseal(secret, text);
  if (s !== scope || !Number.isSafeInteger(p) || (p as number) < 0) throw invalidCursor();
  return p as number;
}
