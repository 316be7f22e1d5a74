/**
 * Upload and download links. Like a pre-signed object-store URL, the link itself is the
 * permission: it names one artifact, what may be done with it and until when, signed with
 * HMAC-SHA256 under a server secret kept in the database, so any process on the database
 * honours a link another issued, and no one can mint or alter one.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Store } from '../store/index.js';
import { NotFound } from './errors.js';
import { now } from '../model/index.js';

export type LinkPurpose = 'upload' | 'download';

export interface ArtifactLink {
  artifactId: number;
  purpose: LinkPurpose;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

const VERSION = 'a1';
const SECRET_NAME = 'artifact-links';
const MAX_LINK_LENGTH = 256;

/** Long enough to upload a picture over a slow link; short enough that a leaked URL soon dies. */
export const LINK_LIFETIME_MS = 60 * 60 * 1000;

export function linkSecret(store: Store): Promise<Buffer> {
  return store.secrets.getOrCreate(SECRET_NAME, now());
}

/** `a1.<artifact>.<u|d>.<expiry in epoch seconds>.<mac>`: short, because it travels in a URL path. */
export function sealLink(secret: Buffer, link: ArtifactLink): string {
  const payload = `${VERSION}.${link.artifactId}.${link.purpose === 'upload' ? 'u' : 'd'}.${Math.floor(link.expiresAt / 1000)}`;
  return `${payload}.${mac(secret, payload)}`;
}

/**
 * The artifact a link grants `purpose` on. A forged, altered, expired or wrong-purpose link
 * is 404, as an unknown URL would be: it reveals nothing about what exists.
 */
export function openLink(secret: Buffer, text: string, purpose: LinkPurpose, at = Date.now()): number {
  const invalid = () => new NotFound('artifact link');
  if (text.length > MAX_LINK_LENGTH) throw invalid();
  const parts = text.split('.');
  if (parts.length !== 5) throw invalid();
  const [version, artifact, code, expiry, signature] = parts as [string, string, string, string, string];
  const expected = Buffer.from(mac(secret, `${version}.${artifact}.${code}.${expiry}`));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  // The signature says we wrote it; the shape checks keep an old or buggy link from a 500.
  if (version !== VERSION || !/^\d{1,15}$/.test(artifact) || !/^\d{1,15}$/.test(expiry)) throw invalid();
  if (code !== (purpose === 'upload' ? 'u' : 'd') || Number(expiry) * 1000 <= at) throw invalid();
  return Number(artifact);
}

function mac(secret: Buffer, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}
