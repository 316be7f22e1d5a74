import type { Kysely } from 'kysely';
import type { Group, RevOrg, User, UserType } from '../model/index.js';
import type { Database } from './schema.js';
import { toRevOrg } from './rev-orgs.js';
import { toGroup } from './rows.js';
import { UserStore } from './users.js';

/**
 * Whose emails a search may match on, when not everyone's (domain/policy/customers.ts
 * `searchableEmails`): the searcher's own, their rev org's customers', and these staff's.
 */
export interface EmailScope {
  selfId: number;
  revOrgNumber: number | null;
  staffIds: readonly number[];
}

/**
 * search.core over an organization's people, groups and customers: a case-insensitive
 * substring match on their names (and users' emails), at most `limit` of each. An
 * organization's directory is thousands of rows, not millions: a scan of one org's rows
 * is what this costs, and the domain ranks what it gets.
 */
export class DirectorySearchStore {
  private readonly users: UserStore;

  constructor(private readonly db: Kysely<Database>) {
    this.users = new UserStore(db);
  }

  /** Emails match only within `emails` when given: a customer never finds anyone by an address hidden from them. */
  async findUsers(orgId: number, types: readonly UserType[], needle: string, limit: number, emails?: EmailScope): Promise<User[]> {
    if (types.length === 0) return [];
    const pattern = likePattern(needle);
    const rows = await this.db
      .selectFrom('users')
      .select('id')
      .where('org_id', '=', orgId)
      .where('type', 'in', [...types])
      .where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['display_name']), 'like', pattern),
          eb(eb.fn('lower', ['full_name']), 'like', pattern),
          emails === undefined
            ? eb(eb.fn('lower', ['email']), 'like', pattern)
            : eb.and([
                eb(eb.fn('lower', ['email']), 'like', pattern),
                eb.or([
                  eb('id', '=', emails.selfId),
                  eb.and([eb('type', '=', 'rev_user'), eb('rev_org_id', 'in', this.revOrgIds(orgId, emails.revOrgNumber))]),
                  ...(emails.staffIds.length > 0 ? [eb.and([eb('type', '<>', 'rev_user'), eb('id', 'in', [...emails.staffIds])])] : []),
                ]),
              ]),
        ]),
      )
      .orderBy('id')
      .limit(limit)
      .execute();
    return this.users.findByIds(rows.map((row) => row.id));
  }

  private revOrgIds(orgId: number, number: number | null) {
    return this.db.selectFrom('rev_orgs').select('id').where('org_id', '=', orgId).where('number', '=', number ?? -1);
  }

  async groups(orgId: number, needle: string, limit: number): Promise<Group[]> {
    const rows = await this.db
      .selectFrom('groups')
      .selectAll()
      .where('org_id', '=', orgId)
      .where((eb) => eb(eb.fn('lower', ['name']), 'like', likePattern(needle)))
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toGroup);
  }

  async revOrgs(orgId: number, needle: string, limit: number): Promise<RevOrg[]> {
    const rows = await this.db
      .selectFrom('rev_orgs')
      .selectAll()
      .where('org_id', '=', orgId)
      .where((eb) => eb(eb.fn('lower', ['display_name']), 'like', likePattern(needle)))
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toRevOrg);
  }
}

/**
 * `%needle%` with LIKE's own wildcards taken literally. Both dialects treat a backslash as
 * LIKE's escape only when told, so the characters are replaced by the single-character
 * wildcard `_` instead: a superset the domain's ranking then checks exactly.
 */
function likePattern(needle: string): string {
  return `%${needle.toLowerCase().replace(/[%_\\]/g, '_')}%`;
}
