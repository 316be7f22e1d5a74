/**
 * The request journal: what clients sent and what they got, for tests that assert on the
 * calls their code made (WireMock's "verify"). Each organization has its own buffer, and
 * entries are only ever listed to that organization's admins. Together they are bounded by
 * entries and by bytes: past a bound, the oldest entry of the organization holding the most
 * goes first, so however long a suite runs the journal never grows without bound, and one
 * busy tenant cannot push a quiet one's entries out.
 */
import type { Org } from '../model/index.js';

/** Each body is kept up to this many bytes of its JSON text; past it, cut and flagged. */
export const MAX_BODY_BYTES = 64 * 1024;
/** What an entry costs beyond its bodies (fields, strings, the event list), roughly. */
const ENTRY_OVERHEAD_BYTES = 512;

export interface JournalLimits {
  maxEntries: number;
  maxBytes: number;
}

export interface CappedBody {
  /** The JSON text, whole or cut at MAX_BODY_BYTES. */
  text: string;
  truncated: boolean;
}

export interface JournalCaller {
  /** User DON and display id, and the token's DON: never the token's secret. */
  id: string;
  displayId: string;
  tokenId: string;
}

export interface NewJournalEntry {
  /** The caller's organization: only requests that authenticated someone are recorded. */
  orgId: number;
  org: Org;
  requestId: string;
  time: string;
  operation?: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  caller?: JournalCaller;
  request?: CappedBody;
  response?: CappedBody;
  eventIds: number[];
}

export interface JournalEntry extends NewJournalEntry {
  /** Journal order: later entries have larger numbers; never reused, even after clear. */
  seq: number;
  bytes: number;
}

export interface JournalFilter {
  operation?: string;
  status?: number;
  /** A user DON or display id. */
  user?: string;
  /** RFC 3339: entries at or after. */
  since?: string;
  requestId?: string;
  /** Entries whose request body contains this JSON (objects by subset, arrays by inclusion). */
  requestBody?: unknown;
  /** Only entries older than this journal position (paging). */
  beforeSeq?: number;
}

export class Journal {
  private readonly buffers = new Map<number, OrgBuffer>();
  private entryCount = 0;
  private bytes = 0;
  private nextSeq = 1;

  constructor(readonly limits: JournalLimits) {}

  record(entry: NewJournalEntry): JournalEntry {
    const bytes = ENTRY_OVERHEAD_BYTES + (entry.request?.text.length ?? 0) + (entry.response?.text.length ?? 0);
    const stored: JournalEntry = { ...entry, seq: this.nextSeq++, bytes };
    let buffer = this.buffers.get(entry.orgId);
    if (!buffer) this.buffers.set(entry.orgId, (buffer = new OrgBuffer()));
    buffer.push(stored);
    this.entryCount++;
    this.bytes += bytes;
    while (this.entryCount > this.limits.maxEntries) this.dropOldestOf(this.largest((each) => each.size));
    while (this.bytes > this.limits.maxBytes && this.entryCount > 1) this.dropOldestOf(this.largest((each) => each.bytes));
    return stored;
  }

  get size(): number {
    return this.entryCount;
  }

  get totalBytes(): number {
    return this.bytes;
  }

  /** Matching entries of one organization, newest first, at most `limit` (all when absent). */
  select(orgId: number, filter: JournalFilter, limit = Infinity): JournalEntry[] {
    const found: JournalEntry[] = [];
    const since = filter.since === undefined ? undefined : Date.parse(filter.since);
    for (const entry of this.buffers.get(orgId)?.newestFirst() ?? []) {
      if (found.length >= limit) break;
      if (filter.beforeSeq !== undefined && entry.seq >= filter.beforeSeq) continue;
      // Not `break`: entries are in the order requests finished, `time` is when they began.
      if (since !== undefined && Date.parse(entry.time) < since) continue;
      if (matches(entry, filter)) found.push(entry);
    }
    return found;
  }

  count(orgId: number, filter: JournalFilter): number {
    return this.select(orgId, filter).length;
  }

  /** Forgets one organization's entries (or every entry); returns how many went. */
  clear(orgId?: number): number {
    const cleared = orgId === undefined ? [...this.buffers.keys()] : [orgId];
    let removed = 0;
    for (const id of cleared) {
      const buffer = this.buffers.get(id);
      if (!buffer) continue;
      removed += buffer.size;
      this.entryCount -= buffer.size;
      this.bytes -= buffer.bytes;
      this.buffers.delete(id);
    }
    return removed;
  }

  /** The organization whose buffer is largest by `measure`: it gives up its oldest entry first. */
  private largest(measure: (buffer: OrgBuffer) => number): number {
    let largest: [number, number] | undefined;
    for (const [orgId, buffer] of this.buffers) {
      if (largest === undefined || measure(buffer) > largest[1]) largest = [orgId, measure(buffer)];
    }
    return largest![0];
  }

  private dropOldestOf(orgId: number): void {
    const buffer = this.buffers.get(orgId)!;
    const dropped = buffer.shift();
    this.entryCount--;
    this.bytes -= dropped.bytes;
    if (buffer.size === 0) this.buffers.delete(orgId);
  }
}

/** One organization's entries, oldest first: an array with a moving start, compacted now and then. */
class OrgBuffer {
  private entries: JournalEntry[] = [];
  private start = 0;
  bytes = 0;

  get size(): number {
    return this.entries.length - this.start;
  }

  push(entry: JournalEntry): void {
    this.entries.push(entry);
    this.bytes += entry.bytes;
  }

  shift(): JournalEntry {
    const entry = this.entries[this.start]!;
    this.entries[this.start++] = undefined as unknown as JournalEntry;
    this.bytes -= entry.bytes;
    if (this.start > 1024 && this.start * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.start);
      this.start = 0;
    }
    return entry;
  }

  *newestFirst(): Generator<JournalEntry> {
    for (let index = this.entries.length - 1; index >= this.start; index--) yield this.entries[index]!;
  }
}

function matches(entry: JournalEntry, filter: JournalFilter): boolean {
  if (filter.operation !== undefined && entry.operation !== filter.operation) return false;
  if (filter.status !== undefined && entry.status !== filter.status) return false;
  if (filter.requestId !== undefined && entry.requestId !== filter.requestId) return false;
  if (filter.user !== undefined && entry.caller?.id !== filter.user && entry.caller?.displayId !== filter.user) return false;
  if (filter.requestBody !== undefined) {
    if (!entry.request || entry.request.truncated) return false;
    if (!containsJson(JSON.parse(entry.request.text), filter.requestBody)) return false;
  }
  return true;
}

/**
 * Whether `actual` contains `expected`: objects by subset of keys (recursively), arrays
 * when every expected item is contained in some actual item, anything else by equality.
 */
export function containsJson(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && expected.every((item) => actual.some((candidate) => containsJson(candidate, item)));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    return Object.entries(expected).every(
      ([key, value]) => Object.prototype.hasOwnProperty.call(actual, key) && containsJson((actual as Record<string, unknown>)[key], value),
    );
  }
  return actual === expected;
}

/** The JSON text of `value`, cut at MAX_BODY_BYTES (by characters of its UTF-8 prefix). */
export function capBody(text: string): CappedBody {
  if (Buffer.byteLength(text) <= MAX_BODY_BYTES) return { text, truncated: false };
  return { text: Buffer.from(text).subarray(0, MAX_BODY_BYTES).toString('utf8').replace(/\uFFFD$/, ''), truncated: true };
}
