import { createHash, randomBytes } from 'node:crypto';
import type { Store } from '../store/index.js';
import type { TokenGrant } from '../store/tokens.js';
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
  expiresAt: string | null;
}

/** A token nobody asked to expire sooner lives for a year: no credential should live forever. */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 365 * 24 * 60 * 60;

/** When a token made now with the default lifetime expires (tokens of `init`, `tokens create`, the first start). */
export function defaultTokenExpiry(): string {
  return new Date(Date.now() + DEFAULT_TOKEN_LIFETIME_SECONDS * 1000).toISOString();
}

export interface TokenDetails {
  requestedTokenType?: string | null;
  tokenHint?: string | null;
  createdBy?: number | null;
}

export async function issueToken(
  store: Store,
  user: User,
  expiresAt: string | null = defaultTokenExpiry(),
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
  return { secret, tokenId, expiresAt };
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
  if (grantEnded(grant) !== undefined) throw new Unauthenticated('the token is unknown, revoked or expired');
  return { org: grant!.org, user: grant!.user, tokenId: grant!.tokenId, tokenNumber: grant!.tokenNumber };
}

/** Why a token can no longer act, as a long-lived connection tells its client when it closes. */
export type GrantEnd = 'token_revoked' | 'token_expired' | 'user_deactivated';

/**
 * The one rule for whether a token may still act: it exists, is not revoked, has not
 * expired, and its user is active. Undefined while it may.
 */
export function grantEnded(grant: TokenGrant | undefined, at = now()): GrantEnd | undefined {
  if (!grant) return 'token_revoked';
  // Deactivation also revokes the user's tokens; the user's state is the truer reason.
  if (grant.user.state !== 'active') return 'user_deactivated';
  if (grant.revokedAt !== null) return 'token_revoked';
  if (grant.expiresAt !== null && grant.expiresAt <= at) return 'token_expired';
  return undefined;
}

/**
 * Checks again a grant a connection was opened with (an event stream, before each event
 * it sends). On SQLite the grant comes from the auth cache, so this is a map lookup until
 * something about users or tokens changes; on PostgreSQL it is one indexed read.
 */
export function grantRecheck(store: Store, authorization: string | undefined): () => Promise<GrantEnd | undefined> {
  const secret = extractSecret(authorization);
  const hash = secret === undefined ? undefined : hashToken(secret);
  return async () => (hash === undefined ? 'token_revoked' : grantEnded(await store.tokens.findGrantByHash(hash)));
}

function extractSecret(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const value = authorization.trim();
  const secret = /^bearer\s+/i.test(value) ? value.replace(/^bearer\s+/i, '') : value;
  // Secrets are base64url; anything else cannot be one of ours and is not worth hashing.
  return secret.length > 0 && secret.length <= 512 && /^[A-Za-z0-9._~+/=-]+$/.test(secret) ? secret : undefined;
}
