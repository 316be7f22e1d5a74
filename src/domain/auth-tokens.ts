/**
 * auth-tokens.*: personal access tokens in DevRev's shape. A secret is shown once, at
 * creation, and stored only as its hash; every later read returns metadata. Revocation
 * and expiry take effect on the very next request, because `authenticate` reads both
 * from the token's row on every call.
 */
import type { Store } from '../store/index.js';
import type { TokenRecord } from '../store/tokens.js';
import { findUserOf, requireAdmin, requireSelfOrAdmin } from './policy/access.js';
import { BadRequest, NotFound } from './errors.js';
import { parseRefOf, refBelongsTo } from './ids.js';
import { now, type Principal, type User } from '../model/index.js';
import { DEFAULT_TOKEN_LIFETIME_SECONDS, issueToken } from './tokens.js';
import { createSessionToken, SESSION, type RevInfo } from './customer-sessions.js';

export const PAT = 'urn:devrev:params:oauth:token-type:pat';
const PAT_ACT_AS = 'urn:devrev:params:oauth:token-type:pat:act-as';

/** A token nobody asked to expire sooner lives for a year: no credential should live forever. */
export const DEFAULT_EXPIRES_IN_SECONDS = DEFAULT_TOKEN_LIFETIME_SECONDS;

/**
 * Live (unrevoked, unexpired) tokens one user may hold. Limits are per user, so extra
 * tokens buy no quota; the cap keeps a leaked one from minting thousands to hide among.
 */
export const MAX_LIVE_TOKENS_PER_USER = 100;

export interface TokenRequest {
  requestedTokenType?: string;
  actAs?: string;
  expiresIn?: number;
  tokenHint?: string;
  /** Plug's sign-in: a session token for the customer this describes (domain/customer-sessions.ts). */
  revInfo?: RevInfo;
}

export interface TokenRules {
  /** The longest a customer's session token lives, and how long one lives unless asked for less. */
  sessionLifetimeSeconds: number;
}

export interface CreatedToken {
  accessToken: string;
  expiresIn: number;
}

export async function createAuthToken(store: Store, principal: Principal, request: TokenRequest, rules: TokenRules): Promise<CreatedToken> {
  // DevRev's Plug backends send rev_info alone; the session type is implied.
  if (request.revInfo !== undefined && (request.requestedTokenType === undefined || request.requestedTokenType === SESSION)) {
    return createSessionToken(store, principal, { revInfo: request.revInfo, expiresIn: request.expiresIn }, rules.sessionLifetimeSeconds);
  }
  if (request.requestedTokenType === SESSION) throw BadRequest.missingField('rev_info');
  if (request.revInfo !== undefined) throw BadRequest.notPermitted('rev_info', `rev_info makes a ${SESSION} token`);
  if (request.requestedTokenType === undefined) throw BadRequest.missingField('requested_token_type');
  // Confab issues personal access tokens only; DevRev's other token types need an
  // identity provider or an app platform that a self-hosted chat server does not have.
  if (request.requestedTokenType !== PAT && request.requestedTokenType !== PAT_ACT_AS) {
    throw BadRequest.notPermitted('requested_token_type', `only ${PAT}, and ${SESSION} with rev_info, are supported`);
  }
  if (request.requestedTokenType === PAT_ACT_AS && request.actAs === undefined) throw BadRequest.missingField('act_as');
  const expiresIn = request.expiresIn ?? DEFAULT_EXPIRES_IN_SECONDS;
  if (expiresIn < 1) throw BadRequest.notPermitted('expires_in', 'a token must live at least one second');
  const subject = request.actAs === undefined ? principal.user : await actAsSubject(store, principal, request.actAs);
  if ((await store.tokens.countLive(subject.id, now())) >= MAX_LIVE_TOKENS_PER_USER) {
    throw BadRequest.notPermitted(
      request.actAs === undefined ? 'requested_token_type' : 'act_as',
      `the user already has ${MAX_LIVE_TOKENS_PER_USER} live tokens; delete one first`,
    );
  }
  const expiresAt = new Date(Date.now() + expiresIn * 1000).toISOString();
  const { secret } = await issueToken(store, subject, expiresAt, {
    requestedTokenType: PAT,
    tokenHint: request.tokenHint ?? null,
    createdBy: principal.user.id,
  });
  return { accessToken: secret, expiresIn };
}

/** Only admins act for others; the one they act for must be able to use a token. */
async function actAsSubject(store: Store, principal: Principal, actAs: string): Promise<User> {
  const subject = await findUserOf(store, principal.org, 'act_as', actAs, ['dev_user', 'service_account', 'rev_user']);
  if (subject.id === principal.user.id) return subject;
  requireAdmin(principal, 'create tokens for someone else');
  if (subject.state === 'deactivated' || subject.state === 'deleted') {
    throw BadRequest.notPermitted('act_as', `the user is ${subject.state}`);
  }
  return subject;
}

export interface AuthToken extends TokenRecord {
  subject: User;
  issuer: User | undefined;
}

export async function getAuthToken(store: Store, principal: Principal, tokenId: string): Promise<AuthToken> {
  const token = await findToken(store, principal, tokenId);
  const [withUsers] = await attachUsers(store, [token]);
  requireSelfOrAdmin(principal, withUsers!.subject, 'read the tokens');
  return withUsers!;
}

/** The token the request carries (a Confab addition): how a console knows which token is its own. */
export async function getCurrentAuthToken(store: Store, principal: Principal): Promise<AuthToken> {
  const token = principal.tokenNumber === undefined ? undefined : await store.tokens.findByNumber(principal.org.id, principal.tokenNumber);
  if (!token) throw new NotFound('token', 'current');
  return (await attachUsers(store, [token]))[0]!;
}

export async function listAuthTokens(
  store: Store,
  principal: Principal,
  filter: { subject?: string; requestedTokenType?: string },
): Promise<AuthToken[]> {
  const subject =
    filter.subject === undefined
      ? principal.user
      : await findUserOf(store, principal.org, 'subject', filter.subject, ['dev_user', 'service_account', 'rev_user']);
  requireSelfOrAdmin(principal, subject, 'list the tokens');
  return attachUsers(store, await store.tokens.listOfUser(subject.id, filter.requestedTokenType));
}

/** Without `token_id`, the token making the call is the one revoked. */
export async function deleteAuthToken(store: Store, principal: Principal, tokenId: string | undefined): Promise<void> {
  if (tokenId === undefined) {
    await store.tokens.revoke(principal.tokenId, now());
    return;
  }
  const token = await findToken(store, principal, tokenId);
  if (token.userId !== principal.user.id) requireAdmin(principal, "revoke someone else's tokens");
  await store.tokens.revoke(token.id, now());
}

/** Revokes all of the caller's own tokens of the type (personal access tokens by default). */
export async function deleteOwnTokens(store: Store, principal: Principal, requestedTokenType: string | undefined): Promise<void> {
  const type = requestedTokenType ?? PAT;
  if (type !== PAT) throw BadRequest.notPermitted('requested_token_type', `only ${PAT} is supported`);
  // Tokens made on the command line predate token types; they are personal tokens too.
  await store.tokens.revokeAllOfUser(principal.user.id, now());
}

async function findToken(store: Store, principal: Principal, tokenId: string): Promise<TokenRecord> {
  const ref = parseRefOf('token_id', tokenId, ['token'] as const);
  const token = refBelongsTo(ref, principal.org.slug) ? await store.tokens.findByNumber(principal.org.id, ref.number) : undefined;
  if (!token) throw new NotFound('token', tokenId);
  return token;
}

async function attachUsers(store: Store, tokens: TokenRecord[]): Promise<AuthToken[]> {
  const ids = new Set(tokens.flatMap((token) => (token.createdBy === null ? [token.userId] : [token.userId, token.createdBy])));
  const users = new Map((await store.users.findByIds([...ids])).map((user) => [user.id, user]));
  return tokens.map((token) => ({
    ...token,
    subject: users.get(token.userId)!,
    issuer: token.createdBy === null ? undefined : users.get(token.createdBy),
  }));
}

/** DevRev's status: derived from the row at read time, so it is never stale. */
export function tokenStatus(token: TokenRecord, at = now()): 'active' | 'expired' | 'revoked' {
  if (token.revokedAt !== null) return 'revoked';
  if (token.expiresAt !== null && token.expiresAt <= at) return 'expired';
  return 'active';
}

export interface TokenInfo {
  user: User;
  token: TokenRecord;
}

/** DevRev's `auth-tokens.info`: who the calling token is, and its claims. */
export async function getTokenInfo(store: Store, principal: Principal): Promise<TokenInfo> {
  const token = principal.tokenNumber === undefined ? undefined : await store.tokens.findByNumber(principal.org.id, principal.tokenNumber);
  // The token authenticated this very request; only a revoke racing it can have removed it.
  if (!token) throw new NotFound('token', String(principal.tokenNumber));
  return { user: principal.user, token };
}
