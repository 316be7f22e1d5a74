import type { Kysely } from 'kysely';
import { type DialectName, idColumn } from './helpers.js';

/**
 * The transactional outbox and webhooks. An event row is written in the same transaction
 * as the change it describes, and so is one delivery row per webhook that wants it: a
 * committed write can never be missing from the stream or from a webhook, crash or not.
 */
export function events(dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('events')
        // The id is the stream position: clients resume from it (Last-Event-ID).
        .addColumn('id', 'integer', (c) => idColumn(c, dialect))
        .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id'))
        // Null for events that belong to no chat (they go to webhooks, not to streams).
        .addColumn('chat_id', 'integer')
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('events_created').on('events').columns(['created_at']).execute();

      await db.schema
        .createTable('webhooks')
        .addColumn('id', 'integer', (c) => idColumn(c, dialect))
        .addColumn('org_id', 'integer', (c) => c.notNull().references('orgs.id'))
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('event_types', 'text')
        .addColumn('headers', 'text')
        // unverified | active | inactive | degraded (shown as unverified: it is being re-verified)
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('verified', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_by', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('modified_by', 'integer', (c) => c.notNull().references('users.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('modified_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('webhooks_number', ['org_id', 'number'])
        .execute();

      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', 'integer', (c) => idColumn(c, dialect))
        .addColumn('webhook_id', 'integer', (c) => c.notNull().references('webhooks.id'))
        // Null for a verify challenge, which carries its challenge instead.
        .addColumn('event_id', 'integer')
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('challenge', 'text')
        // pending | succeeded | failed
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'text', (c) => c.notNull())
        // A worker owns a delivery until this time; another may take it over afterwards.
        .addColumn('claimed_until', 'text')
        .addColumn('log', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .execute();
      await db.schema
        .createIndex('webhook_deliveries_due')
        .on('webhook_deliveries')
        .columns(['state', 'next_attempt_at'])
        .execute();
      await db.schema
        .createIndex('webhook_deliveries_webhook')
        .on('webhook_deliveries')
        .columns(['webhook_id', 'id'])
        .execute();
    },
  };
}
