/** Auth tokens → DevRev wire objects (never the secret: it is shown once, at creation). */
import type { Static } from '@sinclair/typebox';
import { tokenStatus, type AuthToken } from '../domain/auth-tokens.js';
import { formatDisplayId, formatDon } from '../domain/ids.js';
import type { AuthToken as AuthTokenWire } from '../schema/auth-tokens.js';
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
