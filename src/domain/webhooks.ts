/**
 * Webhooks, in DevRev's shape: admins register a URL; it receives a `verify` challenge
 * and becomes `active` once it answers it; then it gets the events it asked for, signed.
 */
import { randomBytes } from 'node:crypto';
import type { Store } from '../store/index.js';
import type { WebhookPatch } from '../store/webhooks.js';
import { requireAdmin } from './policy/access.js';
import { cursorSecret, openPosition, sealPosition } from './cursors.js';
import { readBeyond } from './paging.js';
import { BadRequest, NotFound } from './errors.js';
import { parseRefOf, refBelongsTo } from './ids.js';
import { now, type Principal, type Webhook, type WebhookDelivery, type WebhookHeader } from '../model/index.js';
import { checkWebhookUrl } from './webhook-urls.js';
import { recordWebhookEvent } from './events.js';

export interface WebhookRules {
  allowPrivate: boolean;
}

/** Headers Confab sets itself, or that would change how the request is read. */
const RESERVED_HEADERS = new Set(['content-type', 'content-length', 'host', 'x-devrev-signature', 'transfer-encoding', 'connection']);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;
/**
 * What HTTP lets a header value hold (RFC 9110 field-value: visible characters, spaces,
 * tabs, and bytes 0x80–0xFF) — exactly what Node's http client accepts. Anything else, a
 * control character above all, would make every delivery's request throw.
 */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]{0,4096}$/;
const MAX_SECRET_LENGTH = 256;

export interface CreateWebhookInput {
  url: string;
  secret?: string;
  eventTypes?: string[];
  headers?: WebhookHeader[];
}

export async function createWebhook(store: Store, principal: Principal, input: CreateWebhookInput, rules: WebhookRules): Promise<Webhook> {
  requireAdmin(principal, 'manage webhooks');
  const url = await checkWebhookUrl(input.url, rules.allowPrivate);
  const secret = input.secret === undefined ? newWebhookSecret() : checkSecret(input.secret);
  const headers = checkHeaders(input.headers ?? [], 'headers');
  const at = now();
  return store.transaction(async (tx) => {
    const webhookId = await tx.webhooks.insert({
      orgId: principal.org.id,
      number: await tx.orgs.nextNumber(principal.org.id, 'webhook'),
      url,
      secret,
      eventTypes: input.eventTypes === undefined ? null : [...new Set(input.eventTypes)],
      headers,
      createdBy: principal.user.id,
      at,
    });
    await queueVerify(tx, webhookId, at);
    const webhook = (await tx.webhooks.findById(webhookId))!;
    await recordWebhookEvent(tx, 'webhook_created', webhook, at);
    return webhook;
  });
}

export async function getWebhook(store: Store, principal: Principal, id: string): Promise<Webhook> {
  requireAdmin(principal, 'manage webhooks');
  return findWebhook(store, principal, id);
}

export async function listWebhooks(store: Store, principal: Principal): Promise<Webhook[]> {
  requireAdmin(principal, 'manage webhooks');
  return store.webhooks.list(principal.org.id);
}

export interface ListChange<T> {
  add?: T[];
  remove?: T[];
  set?: T[];
}

export interface UpdateWebhookInput {
  id: string;
  action?: 'activate' | 'deactivate';
  url?: string;
  secret?: string;
  eventTypes?: ListChange<string>;
  headers?: { add?: WebhookHeader[]; remove?: string[]; set?: WebhookHeader[] };
}

export async function updateWebhook(store: Store, principal: Principal, input: UpdateWebhookInput, rules: WebhookRules): Promise<Webhook> {
  requireAdmin(principal, 'manage webhooks');
  const webhook = await findWebhook(store, principal, input.id);
  const at = now();
  const patch: WebhookPatch = { modifiedBy: principal.user.id, at };
  let reverify = false;
  if (input.url !== undefined) {
    patch.url = await checkWebhookUrl(input.url, rules.allowPrivate);
    // A new address has not shown it wants these events: it must answer a challenge first.
    if (patch.url !== webhook.url) {
      patch.verified = false;
      reverify = true;
    }
  }
  if (input.secret !== undefined) patch.secret = checkSecret(input.secret);
  if (input.eventTypes !== undefined) patch.eventTypes = applyChange(webhook.eventTypes ?? [], input.eventTypes, (a, b) => a === b);
  if (input.headers !== undefined) {
    const { add, remove, set } = input.headers;
    const headers = applyChange(
      webhook.headers,
      { add: add && checkHeaders(add, 'headers.add'), set: set && checkHeaders(set, 'headers.set'), remove: remove?.map((name) => ({ name, value: '' })) },
      (a, b) => a.name.toLowerCase() === b.name.toLowerCase(),
    );
    if (headers.length > 8) throw BadRequest.invalidField('headers', 'at most 8 headers');
    patch.headers = headers;
  }
  const verified = patch.verified ?? webhook.verified;
  if (input.action === 'deactivate') patch.status = 'inactive';
  else if (input.action === 'activate' || (reverify && webhook.status !== 'inactive')) {
    patch.status = verified ? 'active' : 'unverified';
  }
  return store.transaction(async (tx) => {
    await tx.webhooks.update(webhook.id, patch);
    if (patch.status === 'unverified' && !(await tx.webhooks.hasPendingVerify(webhook.id))) await queueVerify(tx, webhook.id, at);
    const updated = (await tx.webhooks.findById(webhook.id))!;
    await recordWebhookEvent(tx, 'webhook_updated', updated, at);
    return updated;
  });
}

export async function deleteWebhook(store: Store, principal: Principal, id: string): Promise<void> {
  requireAdmin(principal, 'manage webhooks');
  const webhook = await findWebhook(store, principal, id);
  await store.transaction(async (tx) => {
    await tx.webhooks.markDeleted(webhook.id);
    await recordWebhookEvent(tx, 'webhook_deleted', webhook, now());
  });
}

export const MAX_DELIVERY_PAGE = 100;

export async function listDeliveries(
  store: Store,
  principal: Principal,
  input: { id: string; limit?: number; cursor?: string },
): Promise<{ webhook: Webhook; deliveries: WebhookDelivery[]; nextCursor?: string }> {
  requireAdmin(principal, 'manage webhooks');
  const webhook = await findWebhook(store, principal, input.id);
  // The one cursor scheme: signed, and bound to this webhook's log, newest first by id.
  const secret = await cursorSecret(store);
  const scope = `webhooks.deliveries:${principal.org.id}:${webhook.id}`;
  const before = input.cursor === undefined ? undefined : openPosition(secret, input.cursor, scope);
  const limit = input.limit ?? 50;
  const { rows: deliveries, more } = await readBeyond(limit, (size) => store.webhooks.listDeliveries(webhook.id, size, before));
  return { webhook, deliveries, ...(more && { nextCursor: sealPosition(secret, scope, deliveries.at(-1)!.id) }) };
}

/** A verify challenge for the webhook, sent by the delivery worker like any event. */
export async function queueVerify(tx: Store, webhookId: number, at: string): Promise<void> {
  await tx.webhooks.insertDeliveries([{ webhookId, eventId: null, type: 'verify', challenge: randomBytes(24).toString('base64'), at }]);
}


async function findWebhook(store: Store, principal: Principal, id: string): Promise<Webhook> {
  const ref = parseRefOf('id', id, ['webhook'] as const);
  const webhook = refBelongsTo(ref, principal.org.slug) ? await store.webhooks.findByNumber(principal.org.id, ref.number) : undefined;
  if (!webhook) throw new NotFound('webhook', id);
  return webhook;
}

/** A webhook's signing secret, when its creator gives none. */
export function newWebhookSecret(): string {
  return randomBytes(32).toString('base64');
}

function checkSecret(secret: string): string {
  if (secret.length === 0 || secret.length > MAX_SECRET_LENGTH) {
    throw BadRequest.invalidField('secret', `a secret has 1 to ${MAX_SECRET_LENGTH} characters`);
  }
  return secret;
}

/** Checked when set, so that a delivery never holds a header its request cannot carry; errors name the field (`headers[1].value`). */
function checkHeaders(headers: readonly WebhookHeader[], listName: string): WebhookHeader[] {
  headers.forEach((header, index) => {
    const field = `${listName}[${index}]`;
    if (!HEADER_NAME.test(header.name)) throw BadRequest.invalidField(`${field}.name`, `'${header.name.slice(0, 64)}' is not a header name`);
    if (RESERVED_HEADERS.has(header.name.toLowerCase())) {
      throw BadRequest.notPermitted(`${field}.name`, `Confab sets ${header.name} itself`);
    }
    if (!HEADER_VALUE.test(header.value)) {
      throw BadRequest.invalidField(`${field}.value`, `the value of ${header.name} is not a valid header value: only visible characters, spaces and tabs`);
    }
  });
  return [...headers];
}

/** DevRev's add/remove/set list updates: set replaces; otherwise remove, then add. */
function applyChange<T>(current: readonly T[], change: ListChange<T>, same: (a: T, b: T) => boolean): T[] {
  if (change.set !== undefined) return dedupe(change.set, same);
  let result = current.filter((item) => !(change.remove ?? []).some((removed) => same(item, removed)));
  for (const item of change.add ?? []) {
    result = [...result.filter((existing) => !same(existing, item)), item];
  }
  return result;
}

function dedupe<T>(items: readonly T[], same: (a: T, b: T) => boolean): T[] {
  return items.filter((item, index) => items.findIndex((other) => same(other, item)) === index);
}
