/**
 * `confab export`: every organization (or those named) as the JSONL format of format.ts,
 * read page by page from one consistent view of the database and written as the output
 * takes it, so memory stays flat however much there is.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { NotFound } from '../domain/errors.js';
import { USER_TYPES } from '../model/index.js';
import type { RootStore, Store } from '../store/index.js';
import { compareText, type PortableCounts, type PortableOrg, type Selection } from '../store/portable.js';
import { serializeHeader, serializeRecord, type ExportRecord } from './format.js';
import {
  artifactRecord,
  chatRecord,
  displayPictureRecord,
  entryRecord,
  groupMemberRecord,
  groupRecord,
  orgRecord,
  readStateRecord,
  revOrgRecord,
  tokenRecord,
  userRecord,
  webhookRecord,
} from './records.js';

export interface ExportOptions {
  /** Webhook secrets and API tokens (their hashes): what lets the copy take over from the original. */
  includeSecrets?: boolean;
  /** Only these organizations, by slug. */
  orgs?: readonly string[];
  onProgress?: (done: number, total: number) => void;
}

export interface ExportSummary {
  records: number;
  orgs: number;
}

/** Rows per page. Artifacts carry up to 5 MB each, so they come a few at a time. */
const PAGE = 1000;
const ARTIFACT_PAGE = 4;
const GROUP_PAGE = 100;
/** Lines are handed to the output in chunks of about this many characters. */
const CHUNK = 64 * 1024;

export async function exportData(store: RootStore, output: Writable, options: ExportOptions = {}): Promise<ExportSummary> {
  const includeSecrets = options.includeSecrets ?? false;
  return store.readConsistently(async (tx) => {
    const orgs = (await tx.exportReads.orgs(options.orgs)).sort((a, b) => compareText(a.slug, b.slug));
    for (const slug of options.orgs ?? []) if (!orgs.some((org) => org.slug === slug)) throw new NotFound('organization', slug);
    let total = 0;
    for (const org of orgs) total += 1 + sum(await tx.exportReads.counts(org.id, includeSecrets));

    const writer = new ChunkedWriter(output);
    await writer.line(serializeHeader(total));
    let done = 0;
    options.onProgress?.(0, total);
    for (const org of orgs) {
      for await (const record of recordsOf(tx, org, includeSecrets)) {
        await writer.line(serializeRecord(record));
        options.onProgress?.(++done, total);
      }
    }
    await writer.end();
    // One snapshot is read throughout, so the header's count is what was written.
    if (done !== total) throw new Error(`export wrote ${done} records but counted ${total}`);
    return { records: total, orgs: orgs.length };
  });
}

/** One organization's records, in dependency order. */
async function* recordsOf(tx: Store, org: PortableOrg, includeSecrets: boolean): AsyncGenerator<ExportRecord> {
  const reads = tx.exportReads;
  const slug = org.slug;
  yield orgRecord(org);
  for await (const row of pages((selection) => reads.revOrgs(org.id, selection), (row) => row.number)) yield revOrgRecord(slug, row);
  for (const type of USER_TYPES) {
    for await (const row of pages((selection) => reads.users(org.id, type, selection), (row) => row.number)) yield userRecord(slug, row);
  }
  for await (const groups of pageBatches((selection) => reads.groups(org.id, selection), (row) => row.number, GROUP_PAGE)) {
    for (const row of groups) yield groupRecord(slug, row);
  }
  for await (const groups of pageBatches((selection) => reads.groups(org.id, selection), (row) => row.number, GROUP_PAGE)) {
    const members = await reads.groupMembers(org.id, groups.map((group) => group.number));
    for (const row of members) yield groupMemberRecord(slug, row);
  }
  for await (const row of pages((selection) => reads.chats(org.id, selection), (row) => row.number)) yield chatRecord(slug, row);
  for await (const row of pages((selection) => reads.entries(org.id, selection), (row) => row.number)) yield entryRecord(slug, row);
  for (const type of USER_TYPES) {
    for await (const users of pageBatches((selection) => reads.users(org.id, type, selection), (row) => row.number, PAGE)) {
      for (const row of await reads.readStates(org.id, users.map((user) => user.id))) yield readStateRecord(slug, row);
    }
  }
  for await (const row of pages((selection) => reads.webhooks(org.id, selection), (row) => row.number)) {
    yield webhookRecord(slug, row, includeSecrets);
  }
  if (includeSecrets) {
    for await (const row of pages((selection) => reads.tokens(org.id, selection), (row) => row.number)) yield tokenRecord(slug, row);
  }
  for await (const row of pages((selection) => reads.artifacts(org.id, selection, true), (row) => row.number, ARTIFACT_PAGE)) {
    yield artifactRecord(slug, row);
  }
  for (const type of USER_TYPES) {
    for await (const row of pages((selection) => reads.displayPictures(org.id, type, selection), (row) => row.user.number)) {
      yield displayPictureRecord(slug, row);
    }
  }
}

/** Keyset pages of a kind of object, one page in memory at a time. */
async function* pageBatches<T>(read: (selection: Selection) => Promise<T[]>, numberOf: (row: T) => number, limit: number): AsyncGenerator<T[]> {
  let after = 0;
  for (;;) {
    const rows = await read({ after, limit });
    if (rows.length > 0) yield rows;
    if (rows.length < limit) return;
    after = numberOf(rows.at(-1)!);
  }
}

async function* pages<T>(read: (selection: Selection) => Promise<T[]>, numberOf: (row: T) => number, limit = PAGE): AsyncGenerator<T> {
  for await (const rows of pageBatches(read, numberOf, limit)) yield* rows;
}

function sum(counts: PortableCounts): number {
  return Object.values(counts).reduce((total, count) => total + count, 0);
}

/** Writes lines in chunks, waiting whenever the output says it has enough (backpressure). */
class ChunkedWriter {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly output: Writable) {}

  async line(text: string): Promise<void> {
    this.parts.push(text, '\n');
    this.size += text.length + 1;
    if (this.size >= CHUNK) await this.flush();
  }

  async end(): Promise<void> {
    await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const chunk = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (!this.output.write(chunk)) await once(this.output, 'drain');
  }
}
