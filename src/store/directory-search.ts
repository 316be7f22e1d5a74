import type { Kysely } from 'kysely';
import type { Group, RevOrg, User, UserType } from '../model/index.js';
import type { Database } from './schema.js';
import { toRevOrg } from './rev-orgs.js';
import { toGroup } from './rows.js';
import { UserStore } from './users.js';

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

  async findUsers(orgId: number, types: readonly UserType[], needle: string, limit: number): Promise<User[]> {
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
          eb(eb.fn('lower', ['email']), 'like', pattern),
        ]),
      )
      .orderBy('id')
      .limit(limit)
      .execute();
    return this.users.findByIds(rows.map((row) => row.id));
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
