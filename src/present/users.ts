/** People (dev users, rev users, service accounts) → DevRev wire objects. */
import type { Static } from '@sinclair/typebox';
import { mayViewEmail, mayViewExternalRef } from '../domain/policy/customers.js';
import { formatDisplayId, formatDon } from '../domain/ids.js';
import type { User } from '../model/index.js';
import type { UserSummary } from '../schema/common.js';
import type { RevUser as RevUserWire } from '../schema/rev.js';
import type { ServiceAccount as ServiceAccountWire } from '../schema/service-accounts.js';
import type { DevUser } from '../schema/users.js';
import { presentArtifactSummary } from './artifacts.js';
import type { Viewpoint } from './viewpoint.js';

/**
 * Summaries already made, by viewpoint and user object: a page shows the same few people on
 * every entry (authors, editors, members), and each is presented once for the viewpoint.
 * Both keys are weak and neither changes (a user read again is a new object; cached ones are
 * frozen), so a summary made once stays right for as long as both are alive.
 */
const summaries = new WeakMap<Viewpoint, WeakMap<User, UserSummary>>();

export function presentUserSummary(user: User, view: Viewpoint): UserSummary {
  let ofView = summaries.get(view);
  if (!ofView) summaries.set(view, (ofView = new WeakMap()));
  let summary = ofView.get(user);
  if (!summary) ofView.set(user, (summary = summarize(user, view)));
  return summary;
}

function summarize(user: User, view: Viewpoint): UserSummary {
  const { org } = view;
  const summary: UserSummary = {
    type: user.type,
    id: formatDon(user.type, org.slug, user.number),
    display_id: formatDisplayId(user.type, user.number),
    display_name: user.displayName,
    state: user.state,
  };
  if (user.fullName !== null) summary.full_name = user.fullName;
  if (user.email !== null && mayViewEmail(view.user, user, view.contacts)) summary.email = user.email;
  if (user.displayPicture !== null) summary.display_picture = presentArtifactSummary(user.displayPicture, view);
  if (user.type === 'rev_user') {
    if (user.externalRef !== null && mayViewExternalRef(view.user, user)) summary.external_ref = user.externalRef;
    if (user.revOrg !== null) {
      summary.rev_org = {
        type: 'rev_org',
        id: formatDon('rev_org', org.slug, user.revOrg.number),
        display_id: formatDisplayId('rev_org', user.revOrg.number),
        display_name: user.revOrg.displayName,
      };
    }
  }
  return summary;
}

export function presentDevUser(user: User, view: Viewpoint): DevUser {
  const summary = presentUserSummary(user, view);
  const devUser: DevUser = {
    type: 'dev_user',
    id: summary.id,
    display_id: summary.display_id!,
    display_name: user.displayName,
    state: user.state,
    created_date: user.createdAt,
    modified_date: user.modifiedAt,
  };
  if (summary.full_name !== undefined) devUser.full_name = summary.full_name;
  if (summary.email !== undefined) devUser.email = summary.email;
  if (summary.display_picture !== undefined) devUser.display_picture = summary.display_picture;
  return devUser;
}

export function presentRevUser(user: User, view: Viewpoint): Static<typeof RevUserWire> {
  const summary = presentUserSummary(user, view);
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
  if (user.phoneNumbers.length > 0) wire.phone_numbers = user.phoneNumbers;
  if (user.customFields !== null) wire.custom_fields = user.customFields;
  return wire;
}

export function presentServiceAccount(account: User, view: Viewpoint): Static<typeof ServiceAccountWire> {
  return {
    id: formatDon('service_account', view.org.slug, account.number),
    display_id: formatDisplayId('service_account', account.number),
    display_name: account.displayName,
    state: account.state,
    created_date: account.createdAt,
    modified_date: account.modifiedAt,
  };
}
