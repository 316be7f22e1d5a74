import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Server-wide secrets, kept in the database so that every process on it agrees and a
 * restart changes nothing. The first process to need one creates it; a race between two
 * first processes is settled by the primary key, and both then read the winner's value.
 */
export class SecretStore {
  constructor(
    private readonly db: Kysely<Database>,
    /** A secret never changes once written, so each is read from the database once. */
    private readonly cache: Map<string, Buffer> = new Map(),
  ) {}

  async getOrCreate(name: string, at: string): Promise<Buffer> {
    const cached = this.cache.get(name);
    if (cached) return cached;
    await this.db
      .insertInto('server_secrets')
      .values({ name, value: randomBytes(32).toString('base64url'), created_at: at })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await this.db.selectFrom('server_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
    const secret = Buffer.from(row.value, 'base64url');
    this.cache.set(name, secret);
    return secret;
  }

  /** The database was replaced whole: its secrets may be other ones. */
  forget(): void {
    this.cache.clear();
  }
}
