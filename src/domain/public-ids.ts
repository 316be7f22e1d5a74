/**
 * The ids of events and webhook deliveries as clients see them: opaque, and per
 * organization. The outbox numbers the events of every tenant in one sequence (and the
 * delivery log its deliveries), so the gaps between one tenant's ids would count every
 * other tenant's activity. Each id goes out enciphered instead: one AES-128 block holding
 * the sequence number and eight zero bytes, under a key derived for the organization and
 * the kind of id from a server secret kept in the database. So every process and every
 * restart agrees on an id; the id says nothing about the sequence; and one that was
 * forged, altered, or issued to another organization (another key) fails the zero check
 * and is refused, never read as a position in someone's outbox.
 *
 * Order is kept where it matters, on the server: a stream resumes after the deciphered
 * sequence number, so replay stays exact. Clients only compare ids for equality.
 */
import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import { now } from '../model/index.js';
import type { Store } from '../store/index.js';

export type PublicIdKind = 'event' | 'delivery';

const SECRET_NAME = 'public-ids';
/** 16 bytes in base64url, unpadded. */
const PUBLIC_ID = /^[A-Za-z0-9_-]{22}$/;
const CHECK = Buffer.alloc(8);
/** Derived keys kept in memory; past this many organizations the oldest is derived again when needed. */
const MAX_KEYS = 10_000;

export class PublicIds {
  private readonly keys = new Map<string, Buffer>();

  constructor(private readonly secret: Buffer) {}

  encode(kind: PublicIdKind, orgId: number, id: number): string {
    const block = Buffer.alloc(16);
    block.writeBigUInt64BE(BigInt(id), 0);
    const cipher = createCipheriv('aes-128-ecb', this.keyOf(kind, orgId), null).setAutoPadding(false);
    return Buffer.concat([cipher.update(block), cipher.final()]).toString('base64url');
  }

  /** The sequence number behind `text`, if this server issued it for this organization and kind; else undefined. */
  decode(kind: PublicIdKind, orgId: number, text: string): number | undefined {
    if (!PUBLIC_ID.test(text)) return undefined;
    const sealed = Buffer.from(text, 'base64url');
    // The last character carries 4 unused bits: only the canonical spelling of a block is an id.
    if (sealed.toString('base64url') !== text) return undefined;
    const decipher = createDecipheriv('aes-128-ecb', this.keyOf(kind, orgId), null).setAutoPadding(false);
    const block = Buffer.concat([decipher.update(sealed), decipher.final()]);
    if (!block.subarray(8).equals(CHECK)) return undefined;
    const id = block.readBigUInt64BE(0);
    return id >= 1n && id <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(id) : undefined;
  }

  private keyOf(kind: PublicIdKind, orgId: number): Buffer {
    const name = `${kind}:${orgId}`;
    let key = this.keys.get(name);
    if (!key) {
      key = createHmac('sha256', this.secret).update(name).digest().subarray(0, 16);
      if (this.keys.size >= MAX_KEYS) this.keys.delete(this.keys.keys().next().value!);
      this.keys.set(name, key);
    }
    return key;
  }
}

/** One codec per secret: the secret is read once per process, and again after a snapshot restore replaced it. */
const codecs = new WeakMap<Buffer, PublicIds>();

export async function publicIds(store: Store): Promise<PublicIds> {
  const secret = await store.secrets.getOrCreate(SECRET_NAME, now());
  let codec = codecs.get(secret);
  if (!codec) {
    codec = new PublicIds(secret);
    codecs.set(secret, codec);
  }
  return codec;
}
