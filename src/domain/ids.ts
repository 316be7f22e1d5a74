/**
 * DevRev object ids. Every object has a DON (`don:identity:dvrv-us-1:devo/<org>:devu/12`)
 * and a display id (`DEVU-12`); every field that takes an id accepts either form.
 * The number in both is the object's per-organization sequence number, so either form
 * resolves with one indexed lookup on (org, kind, number).
 */
import { BadRequest } from './errors.js';

export const PARTITION = 'dvrv-us-1';

export type ObjectKind = 'dev_user' | 'rev_user' | 'service_account' | 'sys_user' | 'group' | 'rev_org' | 'chat' | 'conversation' | 'token' | 'timeline_comment' | 'webhook' | 'artifact';

interface KindSpec {
  service: 'identity' | 'core' | 'integration';
  donType: string;
  displayPrefix: string;
  label: string;
}

const KINDS: Record<ObjectKind, KindSpec> = {
  dev_user: { service: 'identity', donType: 'devu', displayPrefix: 'DEVU', label: 'dev user' },
  rev_user: { service: 'identity', donType: 'revu', displayPrefix: 'REVU', label: 'rev user' },
  service_account: { service: 'identity', donType: 'svcacc', displayPrefix: 'SVCACC', label: 'service account' },
  sys_user: { service: 'identity', donType: 'sysu', displayPrefix: 'SYSU', label: 'system user' },
  group: { service: 'identity', donType: 'group', displayPrefix: 'GRP', label: 'group' },
  rev_org: { service: 'identity', donType: 'revo', displayPrefix: 'REV', label: 'rev org' },
  chat: { service: 'core', donType: 'chat', displayPrefix: 'CHAN', label: 'chat' },
  conversation: { service: 'core', donType: 'conversation', displayPrefix: 'CONV', label: 'conversation' },
  token: { service: 'identity', donType: 'token', displayPrefix: 'TKN', label: 'token' },
  timeline_comment: { service: 'core', donType: 'comment', displayPrefix: 'COMMENT', label: 'timeline entry' },
  webhook: { service: 'integration', donType: 'webhook', displayPrefix: 'WEBHOOK', label: 'webhook' },
  artifact: { service: 'core', donType: 'artifact', displayPrefix: 'ARTIFACT', label: 'artifact' },
};

const BY_DON_TYPE = new Map(Object.entries(KINDS).map(([kind, spec]) => [spec.donType, kind as ObjectKind]));
const BY_PREFIX = new Map(Object.entries(KINDS).map(([kind, spec]) => [spec.displayPrefix, kind as ObjectKind]));

/** Largest number a reference may carry: ids are 32-bit on every supported database. */
export const MAX_OBJECT_NUMBER = 2_147_483_647;
const MAX_ID_LENGTH = 256;

const DON = /^don:(identity|core|integration):([a-z0-9-]{1,32}):devo\/([A-Za-z0-9]{1,32}):([a-z_]{1,16})\/(\d{1,16})$/;
const DISPLAY = /^([A-Za-z]{1,16})-(\d{1,16})$/;

export interface ObjectRef {
  kind: ObjectKind;
  number: number;
  /** The organization named by a DON; display ids are relative to the caller's org. */
  orgSlug?: string;
}

export function formatDon(kind: ObjectKind, orgSlug: string, number: number): string {
  const spec = KINDS[kind];
  return `don:${spec.service}:${PARTITION}:devo/${orgSlug}:${spec.donType}/${number}`;
}

/** The DON of an organization itself (DevRev's dev org). */
export function formatOrgDon(orgSlug: string): string {
  return `don:identity:${PARTITION}:devo/${orgSlug}`;
}

export function formatDisplayId(kind: ObjectKind, number: number): string {
  return `${KINDS[kind].displayPrefix}-${number}`;
}

export function kindLabel(kind: ObjectKind): string {
  return KINDS[kind].label;
}

/** Parses either id form; undefined when `value` is neither. */
export function parseRef(value: string): ObjectRef | undefined {
  if (value.length > MAX_ID_LENGTH) return undefined;
  const don = DON.exec(value);
  if (don) {
    const [, service, partition, orgSlug, donType, digits] = don as unknown as [string, string, string, string, string, string];
    const kind = BY_DON_TYPE.get(donType);
    if (!kind || KINDS[kind].service !== service || partition !== PARTITION) return undefined;
    return { kind, number: Number(digits), orgSlug };
  }
  const display = DISPLAY.exec(value);
  if (display) {
    const [, prefix, digits] = display as unknown as [string, string, string];
    const kind = BY_PREFIX.get(prefix.toUpperCase());
    if (!kind) return undefined;
    return { kind, number: Number(digits) };
  }
  return undefined;
}

/**
 * Parses a reference that must be one of `kinds`, throwing DevRev's errors:
 * `invalid_id` when it is no id at all, `unexpected_id_type` when it names another kind.
 */
export function parseRefOf<K extends ObjectKind>(fieldName: string, value: string, kinds: readonly K[]): ObjectRef & { kind: K } {
  const ref = parseRef(value);
  if (!ref) throw BadRequest.invalidId(fieldName, value);
  if (!(kinds as readonly ObjectKind[]).includes(ref.kind)) {
    throw BadRequest.unexpectedIdType(fieldName, value, kinds.map(kindLabel).join(' or '));
  }
  return ref as ObjectRef & { kind: K };
}

/** True when the ref can name an object in `orgSlug` (a DON of another org never can). */
export function refBelongsTo(ref: ObjectRef, orgSlug: string): boolean {
  return (ref.orgSlug === undefined || ref.orgSlug === orgSlug) && ref.number >= 1 && ref.number <= MAX_OBJECT_NUMBER;
}
