import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Principal } from '../model/index.js';
import { toOrg, toUser, USER_JOINED_COLUMNS, type UserRow } from './rows.js';
import { batches } from './batches.js';
import { translateUnique } from './errors.js';
import type { Database, TokensTable } from './schema.js';

export interface NewToken {
  orgId: number;
  number: number;
  userId: number;
  hash: string;
  at: string;
  expiresAt: string | null;
  requestedTokenType?: string | null;
  tokenHint?: string | null;
  createdBy?: number | null;
  /** An import's, when the token was revoked where it was exported from. */
  revokedAt?: string | null;
}

/** A token's metadata: everything but the secret, which is never stored. */
export interface TokenRecord {
  id: number;
  orgId: number;
  number: number;
  userId: number;
  createdBy: number | null;
  requestedTokenType: string | null;
  tokenHint: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface TokenGrant extends Principal {
  expiresAt: string | null;
  revokedAt: string | null;
}

export class TokenStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Throws `UniqueViolation` when another token has the same hash. */
  async insert(input: NewToken): Promise<number> {
    const row = await translateUnique(() => this.insertRows([tokenRow(input)]).returning('id').executeTakeFirstOrThrow());
    return row.id;
  }

  /** Many tokens in few statements (seeding), unchecked. */
  async insertMany(inputs: readonly NewToken[]): Promise<void> {
    for (const batch of batches(inputs.map(tokenRow))) await this.insertRows(batch).execute();
  }

  /** One indexed lookup by hash yields the token, its user and its organization. */
  async findGrantByHash(hash: string): Promise<TokenGrant | undefined> {
    const row = await this.db
      .selectFrom('tokens')
      .innerJoin('users', 'users.id', 'tokens.user_id')
      .innerJoin('orgs', 'orgs.id', 'tokens.org_id')
      .leftJoin('rev_orgs', 'rev_orgs.id', 'users.rev_org_id')
      .leftJoin('artifacts as display_pictures', 'display_pictures.id', 'users.display_picture_id')
      .selectAll('users')
      .select(USER_JOINED_COLUMNS)
      .select([
        'tokens.id as token_id',
        'tokens.number as token_number',
        'tokens.expires_at as token_expires_at',
        'tokens.revoked_at as token_revoked_at',
        'orgs.slug as org_slug',
        'orgs.name as org_name',
        'orgs.created_at as org_created_at',
      ])
      .where('tokens.hash', '=', hash)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      org: toOrg({ id: row.org_id, slug: row.org_slug, name: row.org_name, created_at: row.org_created_at }),
      user: toUser(row as UserRow),
      tokenId: row.token_id,
      tokenNumber: row.token_number,
      expiresAt: row.token_expires_at,
      revokedAt: row.token_revoked_at,
    };
  }

  async findByNumber(orgId: number, number: number): Promise<TokenRecord | undefined> {
    const row = await this.db
      .selectFrom('tokens')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('number', '=', number)
      .executeTakeFirst();
    return row && toTokenRecord(row);
  }

  /** A user's tokens, newest first; `requestedTokenType` narrows them when given. */
  async listOfUser(userId: number, requestedTokenType?: string): Promise<TokenRecord[]> {
    let select = this.db.selectFrom('tokens').selectAll().where('user_id', '=', userId);
    if (requestedTokenType !== undefined) select = select.where('requested_token_type', '=', requestedTokenType);
    const rows = await select.orderBy('number', 'desc').execute();
    return rows.map(toTokenRecord);
  }

  /** How many of a user's tokens are neither revoked nor expired at `at`. */
  async countLive(userId: number, at: string): Promise<number> {
    const row = await this.db
      .selectFrom('tokens')
      .select((eb) => eb.fn.countAll().as('live'))
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)]))
      .executeTakeFirst();
    return Number(row?.live ?? 0);
  }

  /** Revokes the token if it is not already; the first revocation's time is kept. */
  async revoke(id: number, at: string): Promise<void> {
    await this.db.updateTable('tokens').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
  }

  /** Revokes every live token of a user (of one requested type, when given). */
  async revokeAllOfUser(userId: number, at: string, requestedTokenType?: string): Promise<void> {
    let update = this.db.updateTable('tokens').set({ revoked_at: at }).where('user_id', '=', userId).where('revoked_at', 'is', null);
    if (requestedTokenType !== undefined) update = update.where('requested_token_type', '=', requestedTokenType);
    await update.execute();
  }

  private insertRows(rows: Insertable<TokensTable>[]) {
    return this.db.insertInto('tokens').values(rows);
  }
}

function toTokenRecord(row: Selectable<TokensTable>): TokenRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    number: row.number,
    userId: row.user_id,
    createdBy: row.created_by,
    requestedTokenType: row.requested_token_type,
    tokenHint: row.token_hint,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

function tokenRow(input: NewToken): Insertable<TokensTable> {
  return {
    org_id: input.orgId,
    number: input.number,
    user_id: input.userId,
    hash: input.hash,
    created_at: input.at,
    expires_at: input.expiresAt,
    revoked_at: input.revokedAt ?? null,
    requested_token_type: input.requestedTokenType ?? null,
    token_hint: input.tokenHint ?? null,
    created_by: input.createdBy ?? null,
  };
}
