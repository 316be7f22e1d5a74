/** Rev orgs (customers' organizations) → DevRev wire objects. */
import type { Static } from '@sinclair/typebox';
import { formatDisplayId, formatDon } from '../domain/ids.js';
import type { RevOrg } from '../model/index.js';
import type { RevOrg as RevOrgWire } from '../schema/rev.js';
import type { Viewpoint } from './viewpoint.js';

export function presentRevOrg(revOrg: RevOrg, view: Viewpoint): Static<typeof RevOrgWire> {
  const wire: Static<typeof RevOrgWire> = {
    id: formatDon('rev_org', view.org.slug, revOrg.number),
    display_id: formatDisplayId('rev_org', revOrg.number),
    display_name: revOrg.displayName,
    created_date: revOrg.createdAt,
    modified_date: revOrg.modifiedAt,
  };
  if (revOrg.externalRef !== null) wire.external_ref = revOrg.externalRef;
  if (revOrg.customFields !== null) wire.custom_fields = revOrg.customFields;
  return wire;
}
