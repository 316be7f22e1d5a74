import { createHash, randomBytes } from 'node:crypto';
import type { Store } from '../store/index.js';
import { Unauthenticated } from './errors.js';
import { now, type Principal, type User } from '../model/index.js';

const TOKEN_PREFIX = 'cfb_';

export function hashToken(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export interface IssuedToken {
  /** The secret: returned once, stored only as its hash. */
  secret: string;
  tokenId: number;
}

export interface TokenDetails {
  requestedTokenType?: string | null;
  tokenHint?: string | null;
  createdBy?: number | null;
}

export async function issueToken(
  store: Store,
  user: User,
  expiresAt: string | null = null,
  details: TokenDetails = {},
): Promise<IssuedToken> {
  const secret = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const tokenId = await store.transaction(async (tx) =>
    tx.tokens.insert({
      orgId: user.orgId,
      number: await tx.orgs.nextNumber(user.orgId, 'token'),
      userId: user.id,
      hash: hashToken(secret),
      at: now(),
      expiresAt,
      ...details,
    }),
  );
  return { secret, tokenId };
}

/**
 * DevRev's clients send `Authorization: Bearer <token>` or the bare token. Anything
 * missing, unknown, revoked, expired, or belonging to a user who can no longer act is
 * the same 401: a caller learns nothing about which.
 */
export async function authenticate(store: Store, authorization: string | undefined): Promise<Principal> {
  const secret = extractSecret(authorization);
  if (!secret) throw new Unauthenticated('missing or malformed Authorization header: send "Authorization: Bearer <token>"');
  const grant = await store.tokens.findGrantByHash(hashToken(secret));
  if (!grant || grant.revokedAt !== null || (grant.expiresAt !== null && grant.expiresAt <= now())) {
    throw new Unauthenticated('the token is unknown, revoked or expired');
  }
  if (grant.user.state !== 'active') throw new Unauthenticated('the token is unknown, revoked or expired');
  return { org: grant.org, user: grant.user, tokenId: grant.tokenId, tokenNumber: grant.tokenNumber };
}

function extractSecret(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const value = authorization.trim();
  const secret = /^bearer\s+/i.test(value) ? value.replace(/^bearer\s+/i, '') : value;
  // Secrets are base64url; anything else cannot be one of ours and is not worth hashing.
  return secret.length > 0 && secret.length <= 512 && /^[A-Za-z0-9._~+/=-]+$/.test(secret) ? secret : undefined;
}
