/** Identity objects (tokens, groups, service accounts) → DevRev wire objects. */
import { tokenStatus, type AuthToken } from '../domain/auth-tokens.js';
import { formatDisplayId, formatDon } from '../domain/ids.js';
import type { Group, Org, RevOrg, User } from '../domain/model.js';
import type { Static } from '@sinclair/typebox';
import type { AuthToken as AuthTokenWire } from '../schema/auth-tokens.js';
import type { Group as GroupWire } from '../schema/groups.js';
import type { RevOrg as RevOrgWire, RevUser as RevUserWire } from '../schema/rev.js';
import type { ServiceAccount as ServiceAccountWire } from '../schema/service-accounts.js';
import { presentUserSummary } from './present.js';

export function presentAuthToken(token: AuthToken, org: Org): Static<typeof AuthTokenWire> {
  const wire: Static<typeof AuthTokenWire> = {
    id: formatDon('token', org.slug, token.number),
    display_id: formatDisplayId('token', token.number),
    created_date: token.createdAt,
    issued_at: token.createdAt,
    status: tokenStatus(token),
    subject: formatDon(token.subject.type, org.slug, token.subject.number),
  };
  if (token.issuer !== undefined) wire.created_by = presentUserSummary(token.issuer, org);
  if (token.expiresAt !== null) wire.expires_at = token.expiresAt;
  if (token.requestedTokenType !== null) wire.requested_token_type = token.requestedTokenType as typeof wire.requested_token_type;
  if (token.tokenHint !== null) wire.token_hint = token.tokenHint;
  return wire;
}

export function presentGroup(group: Group, org: Org): Static<typeof GroupWire> {
  const wire: Static<typeof GroupWire> = {
    id: formatDon('group', org.slug, group.number),
    display_id: formatDisplayId('group', group.number),
    created_date: group.createdAt,
    modified_date: group.modifiedAt,
    is_default: false,
    member_type: group.memberType,
    name: group.name,
  };
  if (group.description !== null) wire.description = group.description;
  return wire;
}

export function presentServiceAccount(account: User, org: Org): Static<typeof ServiceAccountWire> {
  return {
    id: formatDon('service_account', org.slug, account.number),
    display_id: formatDisplayId('service_account', account.number),
    display_name: account.displayName,
    state: account.state,
    created_date: account.createdAt,
    modified_date: account.modifiedAt,
  };
}

export function presentRevOrg(revOrg: RevOrg, org: Org): Static<typeof RevOrgWire> {
  const wire: Static<typeof RevOrgWire> = {
    id: formatDon('rev_org', org.slug, revOrg.number),
    display_id: formatDisplayId('rev_org', revOrg.number),
    display_name: revOrg.displayName,
    created_date: revOrg.createdAt,
    modified_date: revOrg.modifiedAt,
  };
  if (revOrg.externalRef !== null) wire.external_ref = revOrg.externalRef;
  return wire;
}

export function presentRevUser(user: User, org: Org): Static<typeof RevUserWire> {
  const summary = presentUserSummary(user, org);
  const wire: Static<typeof RevUserWire> = {
    type: 'rev_user',
    id: summary.id,
    display_id: summary.display_id!,
    display_name: user.displayName,
    state: user.state,
    created_date: user.createdAt,
    modified_date: user.modifiedAt,
  };
  if (summary.email !== undefined) wire.email = summary.email;
  if (summary.external_ref !== undefined) wire.external_ref = summary.external_ref;
  if (summary.rev_org !== undefined) wire.rev_org = summary.rev_org;
  if (summary.display_picture !== undefined) wire.display_picture = summary.display_picture;
  return wire;
}
