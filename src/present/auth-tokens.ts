/** Auth tokens → DevRev wire objects (never the secret: it is shown once, at creation). */
import type { Static } from '@sinclair/typebox';
import { tokenStatus, type AuthToken, type TokenInfo } from '../domain/auth-tokens.js';
import { formatDisplayId, formatDon, formatOrgDon } from '../domain/ids.js';
import type { AuthToken as AuthTokenWire, AuthTokensInfoResponse } from '../schema/auth-tokens.js';
import { presentUserSummary } from './users.js';
import type { Viewpoint } from './viewpoint.js';

export function presentAuthToken(token: AuthToken, view: Viewpoint): Static<typeof AuthTokenWire> {
  const { org } = view;
  const wire: Static<typeof AuthTokenWire> = {
    id: formatDon('token', org.slug, token.number),
    display_id: formatDisplayId('token', token.number),
    created_date: token.createdAt,
    issued_at: token.createdAt,
    status: tokenStatus(token),
    subject: formatDon(token.subject.type, org.slug, token.subject.number),
  };
  if (token.issuer !== undefined) wire.created_by = presentUserSummary(token.issuer, view);
  if (token.expiresAt !== null) wire.expires_at = token.expiresAt;
  if (token.requestedTokenType !== null) wire.requested_token_type = token.requestedTokenType as typeof wire.requested_token_type;
  if (token.tokenHint !== null) wire.token_hint = token.tokenHint;
  return wire;
}

/** Who issues Confab's tokens, as `auth-tokens.info` names the issuer (DevRev's is its token service's URL). */
export const TOKEN_ISSUER = 'confab';

/** DevRev's `auth-tokens.info`: the claims of the calling token, times in seconds since the epoch. */
export function presentTokenInfo(info: TokenInfo, view: Viewpoint): Static<typeof AuthTokensInfoResponse> {
  const { org } = view;
  const { user, token } = info;
  const summary = presentUserSummary(user, view);
  const seconds = (at: string) => Math.floor(Date.parse(at) / 1000);
  return {
    organization: { id: formatOrgDon(org.slug), display_id: `DEV-${org.slug}`, slug: org.slug },
    user: {
      type: user.type,
      id: summary.id,
      display_id: summary.display_id!,
      display_name: user.displayName,
      ...(summary.email !== undefined && { email: summary.email }),
      ...(summary.full_name !== undefined && { full_name: summary.full_name }),
    },
    // A token made without an expiry (none are, since tokens got lifetimes) says 0, as a JWT without `exp` would leave it unset.
    token: {
      expiry: token.expiresAt === null ? 0 : seconds(token.expiresAt),
      issued_at: seconds(token.createdAt),
      issuer: TOKEN_ISSUER,
      subject: formatDon(user.type, org.slug, user.number),
    },
  };
}
