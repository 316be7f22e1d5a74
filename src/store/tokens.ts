import type { Kysely } from 'kysely';
import type { Principal } from '../domain/model.js';
import { toOrg, toUser, type UserRow } from './rows.js';
import type { Database } from './schema.js';

export interface NewToken {
  orgId: number;
  number: number;
  userId: number;
  hash: string;
  at: string;
  expiresAt: string | null;
}

export interface TokenGrant extends Principal {
  expiresAt: string | null;
  revokedAt: string | null;
}

export class TokenStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(input: NewToken): Promise<number> {
    const row = await this.db
      .insertInto('tokens')
      .values({
        org_id: input.orgId,
        number: input.number,
        user_id: input.userId,
        hash: input.hash,
        created_at: input.at,
        expires_at: input.expiresAt,
        revoked_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** One indexed lookup by hash yields the token, its user and its organization. */
  async findGrantByHash(hash: string): Promise<TokenGrant | undefined> {
    const row = await this.db
      .selectFrom('tokens')
      .innerJoin('users', 'users.id', 'tokens.user_id')
      .innerJoin('orgs', 'orgs.id', 'tokens.org_id')
      .leftJoin('rev_orgs', 'rev_orgs.id', 'users.rev_org_id')
      .selectAll('users')
      .select([
        'tokens.id as token_id',
        'tokens.expires_at as token_expires_at',
        'tokens.revoked_at as token_revoked_at',
        'orgs.slug as org_slug',
        'orgs.name as org_name',
        'orgs.created_at as org_created_at',
        'rev_orgs.number as rev_org_number',
        'rev_orgs.display_name as rev_org_name',
      ])
      .where('tokens.hash', '=', hash)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      org: toOrg({ id: row.org_id, slug: row.org_slug, name: row.org_name, created_at: row.org_created_at }),
      user: toUser(row as UserRow),
      tokenId: row.token_id,
      expiresAt: row.token_expires_at,
      revokedAt: row.token_revoked_at,
    };
  }
}
