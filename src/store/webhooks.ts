import { sql, type Expression, type Insertable, type Kysely, type QueryCreator, type Selectable } from 'kysely';
import type { DeliveryAttempt, User, Webhook, WebhookDelivery, WebhookHeader, WebhookStatus } from '../model/index.js';
import { translateUnique } from './errors.js';
import { parseJson } from './rows.js';
import type { Database, WebhookDeliveriesTable, WebhooksTable } from './schema.js';
import type { UserStore } from './users.js';

export interface NewWebhook {
  orgId: number;
  number: number;
  url: string;
  secret: string;
  eventTypes: string[] | null;
  /** Null only for an import of a webhook stored without them. */
  headers: WebhookHeader[] | null;
  createdBy: number;
  at: string;
  // An import's: the webhook as it was where it was exported from. A new one waits to be
  // verified, and was last changed by its creator when it was made.
  status?: WebhookStatus;
  verified?: boolean;
  deleted?: boolean;
  modifiedBy?: number;
  modifiedAt?: string;
}

export interface WebhookPatch {
  url?: string;
  secret?: string;
  eventTypes?: string[] | null;
  headers?: WebhookHeader[];
  status?: WebhookStatus;
  verified?: boolean;
  modifiedBy?: number;
  at: string;
}

export interface NewDelivery {
  webhookId: number;
  eventId: number | null;
  type: string;
  challenge: string | null;
  at: string;
}

export class WebhookStore {
  constructor(
    private readonly db: Kysely<Database>,
    /** The store's one user reader, shared so that every entity reads people the same way. */
    private readonly users: UserStore,
  ) {}

  async insert(input: NewWebhook): Promise<number> {
    const { id } = await translateUnique(() => this.db.insertInto('webhooks').values(webhookRow(input)).returning('id').executeTakeFirstOrThrow());
    return Number(id);
  }

  async update(webhookId: number, patch: WebhookPatch): Promise<void> {
    await this.db
      .updateTable('webhooks')
      .set({
        ...(patch.url !== undefined && { url: patch.url }),
        ...(patch.secret !== undefined && { secret: patch.secret }),
        ...(patch.eventTypes !== undefined && {
          event_types: patch.eventTypes === null ? null : JSON.stringify(patch.eventTypes),
        }),
        ...(patch.headers !== undefined && { headers: JSON.stringify(patch.headers) }),
        ...(patch.status !== undefined && { status: patch.status }),
        ...(patch.verified !== undefined && { verified: patch.verified ? 1 : 0 }),
        ...(patch.modifiedBy !== undefined && { modified_by: patch.modifiedBy, modified_at: patch.at }),
      })
      .where('id', '=', webhookId)
      .execute();
  }

  /** Deleted webhooks keep their row (their deliveries refer to it) but are gone to everyone. */
  async markDeleted(webhookId: number): Promise<void> {
    await this.db.updateTable('webhooks').set({ deleted: 1, status: 'inactive' }).where('id', '=', webhookId).execute();
    await this.db
      .updateTable('webhook_deliveries')
      .set({ state: 'failed' })
      .where('webhook_id', '=', webhookId)
      .where('state', '=', 'pending')
      .execute();
  }

  async findByNumber(orgId: number, number: number): Promise<Webhook | undefined> {
    const row = await this.db
      .selectFrom('webhooks')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('number', '=', number)
      .where('deleted', '=', 0)
      .executeTakeFirst();
    return row && (await this.assemble([row]))[0];
  }

  async findById(webhookId: number): Promise<Webhook | undefined> {
    const row = await this.db.selectFrom('webhooks').selectAll().where('id', '=', webhookId).where('deleted', '=', 0).executeTakeFirst();
    return row && (await this.assemble([row]))[0];
  }

  async list(orgId: number): Promise<Webhook[]> {
    const rows = await this.db
      .selectFrom('webhooks')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('deleted', '=', 0)
      .orderBy('id')
      .execute();
    return this.assemble(rows);
  }

  async insertDeliveries(deliveries: readonly NewDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    await this.db
      .insertInto('webhook_deliveries')
      .values(
        deliveries.map((delivery) => ({
          webhook_id: delivery.webhookId,
          event_id: delivery.eventId,
          type: delivery.type,
          challenge: delivery.challenge,
          state: 'pending',
          attempts: 0,
          next_attempt_at: delivery.at,
          claimed_until: null,
          log: '[]',
          created_at: delivery.at,
          finished_at: null,
        })),
      )
      .execute();
  }

  /**
   * Takes up to `limit` due deliveries for this worker until `claimUntil`. The claim
   * condition is repeated on the UPDATE itself: in PostgreSQL a second process that
   * selected the same rows re-checks it after the first one's row lock is released, so
   * each attempt is made by one process only.
   */
  async claimDue(now: string, claimUntil: string, limit: number, exceptWebhooks: readonly number[] = []): Promise<WebhookDelivery[]> {
    const unclaimed = (eb: any) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]);
    const rows = await this.db
      .updateTable('webhook_deliveries')
      .set({ claimed_until: claimUntil })
      .where('id', 'in', (eb) => {
        let due = eb
          .selectFrom('webhook_deliveries')
          .select('id')
          .where('state', '=', 'pending')
          .where('next_attempt_at', '<=', now)
          .where(unclaimed);
        // Targets already at their bound of concurrent deliveries wait their turn.
        if (exceptWebhooks.length > 0) due = due.where('webhook_id', 'not in', [...exceptWebhooks]);
        return due.orderBy('id').limit(limit);
      })
      .where('state', '=', 'pending')
      .where(unclaimed)
      .returningAll()
      .execute();
    return rows.map(toDelivery);
  }

  /** Gives back claims this worker will not use now, for any worker to take at once. */
  async releaseClaims(deliveryIds: readonly number[]): Promise<void> {
    if (deliveryIds.length === 0) return;
    await this.db
      .updateTable('webhook_deliveries')
      .set({ claimed_until: null })
      .where('id', 'in', [...deliveryIds])
      .where('state', '=', 'pending')
      .execute();
  }

  /** Records an attempt and releases the claim. */
  async recordAttempt(
    deliveryId: number,
    attempt: DeliveryAttempt,
    outcome: { state: WebhookDelivery['state']; nextAttemptAt?: string },
  ): Promise<void> {
    const row = await this.db
      .selectFrom('webhook_deliveries')
      .select(['log', 'attempts'])
      .where('id', '=', deliveryId)
      .executeTakeFirstOrThrow();
    const log = [...(JSON.parse(row.log) as DeliveryAttempt[]), attempt];
    await this.db
      .updateTable('webhook_deliveries')
      .set({
        log: JSON.stringify(log),
        attempts: row.attempts + 1,
        state: outcome.state,
        claimed_until: null,
        ...(outcome.nextAttemptAt !== undefined && { next_attempt_at: outcome.nextAttemptAt }),
        ...(outcome.state !== 'pending' && { finished_at: attempt.at }),
      })
      .where('id', '=', deliveryId)
      .execute();
  }

  /** Newest first; `before` is the id to continue below. */
  async listDeliveries(webhookId: number, limit: number, before?: number): Promise<WebhookDelivery[]> {
    let query = this.db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId);
    if (before !== undefined) query = query.where('id', '<', before);
    const rows = await query.orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toDelivery);
  }

  async hasPendingVerify(webhookId: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('webhook_id', '=', webhookId)
      .where('type', '=', 'verify')
      .where('state', '=', 'pending')
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Retention: finished deliveries older than `before`. */
  async pruneDeliveriesBefore(before: string): Promise<number> {
    const result = await this.db
      .deleteFrom('webhook_deliveries')
      .where('state', '!=', 'pending')
      .where('created_at', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  private async assemble(rows: Selectable<WebhooksTable>[]): Promise<Webhook[]> {
    const ids = [...new Set(rows.flatMap((row) => [row.created_by, row.modified_by]))];
    const byId = new Map((await this.users.findByIds(ids)).map((user): [number, User] => [user.id, user]));
    return rows.map((row) => ({
      id: Number(row.id),
      orgId: row.org_id,
      number: row.number,
      url: row.url,
      secret: row.secret,
      eventTypes: parseJson<string[]>(row.event_types),
      headers: parseJson<WebhookHeader[]>(row.headers) ?? [],
      status: row.status as WebhookStatus,
      verified: row.verified === 1,
      createdBy: byId.get(row.created_by)!,
      modifiedBy: byId.get(row.modified_by)!,
      createdAt: row.created_at,
      modifiedAt: row.modified_at,
    }));
  }
}

function webhookRow(input: NewWebhook): Insertable<WebhooksTable> {
  return {
    org_id: input.orgId,
    number: input.number,
    url: input.url,
    secret: input.secret,
    event_types: input.eventTypes === null ? null : JSON.stringify(input.eventTypes),
    headers: input.headers === null ? null : JSON.stringify(input.headers),
    status: input.status ?? 'unverified',
    verified: input.verified ? 1 : 0,
    deleted: input.deleted ? 1 : 0,
    created_by: input.createdBy,
    modified_by: input.modifiedBy ?? input.createdBy,
    created_at: input.at,
    modified_at: input.modifiedAt ?? input.at,
  };
}

function toDelivery(row: Selectable<WebhookDeliveriesTable>): WebhookDelivery {
  return {
    id: Number(row.id),
    webhookId: row.webhook_id,
    eventId: row.event_id === null ? null : Number(row.event_id),
    type: row.type,
    challenge: row.challenge,
    state: row.state as WebhookDelivery['state'],
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    log: JSON.parse(row.log) as DeliveryAttempt[],
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}

/**
 * Queues event `eventId` (a value, or on PostgreSQL the id an enclosing CTE appends) for
 * every active webhook of the org that wants events of `type`, as one statement: one whose
 * `event_types` is unset or empty wants every event, otherwise those it names. The list is
 * stored as a JSON array of names, so a name is in it when its quoted form is (`_`, a LIKE
 * wildcard, escaped).
 */
/** `toUnfiltered`: whether webhooks that name no event types get this one too (domain/events.ts decides). */
export function queueEventDeliveries(db: QueryCreator<Database>, orgId: number, eventId: Expression<number>, type: string, at: string, toUnfiltered: boolean) {
  const quoted = `%"${type.replace(/[\\%_]/g, (char) => `\\${char}`)}"%`;
  return db
    .insertInto('webhook_deliveries')
    .columns(['webhook_id', 'event_id', 'type', 'challenge', 'state', 'attempts', 'next_attempt_at', 'claimed_until', 'log', 'created_at', 'finished_at'])
    .expression((eb) =>
      eb
        .selectFrom('webhooks')
        // Typed, since PostgreSQL cannot tell a parameter's type from a select list.
        .select([
          'webhooks.id',
          sql<number>`${eventId}`.as('event_id'),
          sql<string>`cast(${type} as text)`.as('type'),
          sql<null>`null`.as('challenge'),
          sql<string>`'pending'`.as('state'),
          sql<number>`0`.as('attempts'),
          sql<string>`cast(${at} as text)`.as('next_attempt_at'),
          sql<null>`null`.as('claimed_until'),
          sql<string>`'[]'`.as('log'),
          sql<string>`cast(${at} as text)`.as('created_at'),
          sql<null>`null`.as('finished_at'),
        ])
        .where('org_id', '=', orgId)
        .where('status', '=', 'active')
        .where('deleted', '=', 0)
        .where((inner) =>
          inner.or([
            ...(toUnfiltered ? [inner('event_types', 'is', null), inner('event_types', '=', '[]')] : []),
            sql<boolean>`event_types like ${quoted} escape '\\'`,
          ]),
        ),
    );
}
