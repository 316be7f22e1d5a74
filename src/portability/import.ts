/**
 * `confab import` and `confab.import`: an export's lines, read as they come, written in
 * batches of `batchSize` records, each batch in one transaction. Every line of a batch is
 * parsed and checked before the batch is written, and a record that refers to something
 * missing or clashes with what is stored rolls its whole batch back, so a bad line leaves
 * nothing of its batch behind.
 *
 * Every record is keyed by what it names (an org's slug, a display id): one already there
 * with the same data is skipped, one there with other data stops the import. So importing
 * a file twice changes nothing the second time, and an import killed half-way, run again,
 * skips what was committed and writes the rest — exactly one copy of everything.
 */
import type { Store } from '../store/index.js';
import { compareUserKeys } from '../store/portable.js';
import { applyBatch, type BatchResult } from './apply.js';
import { ImportError, ImportForbidden } from './errors.js';
import { checkHeader, checkRecord, FormatProblem, organizationOf, type ExportRecord, type Header } from './format.js';
import type { Line } from './lines.js';
import { userKeyOf } from './records.js';

export interface ImportOptions {
  /** Records per transaction (default 1000). */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ImportSummary {
  /** Records in the file. */
  records: number;
  /** Written now. */
  created: number;
  /** Already there with the same data. */
  unchanged: number;
}

export const DEFAULT_BATCH_SIZE = 1000;
/** A batch is also cut at this many bytes of lines, for files of large artifacts. */
const MAX_BATCH_BYTES = 32 * 1024 * 1024;

export interface NumberedRecord {
  line: number;
  record: ExportRecord;
}

export async function importData(store: Store, lines: AsyncIterable<Line>, options: ImportOptions = {}): Promise<ImportSummary> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const summary: ImportSummary = { records: 0, created: 0, unchanged: 0 };
  let header: Header | undefined;
  let batch: NumberedRecord[] = [];
  let batchBytes = 0;
  let lastLine = 0;

  const write = async () => {
    if (batch.length === 0) return;
    const records = batch;
    batch = [];
    batchBytes = 0;
    // Counted from the attempt that committed: a retried transaction starts its count over.
    const result: BatchResult = await store.transaction((tx) => applyBatch(tx, records));
    summary.created += result.created;
    summary.unchanged += result.unchanged;
    summary.records += records.length;
    options.onProgress?.(summary.records, Math.max(header!.records, summary.records));
  };

  for await (const line of lines) {
    lastLine = line.number;
    if (header === undefined) {
      header = parseLine(line, checkHeader);
      options.onProgress?.(0, header.records);
      continue;
    }
    batch.push({ line: line.number, record: normalize(parseLine(line, checkRecord)) });
    batchBytes += line.text.length;
    if (batch.length >= batchSize || batchBytes >= MAX_BATCH_BYTES) await write();
  }
  if (header === undefined) throw new ImportError(1, 'the file is empty: an export starts with its header line');
  await write();
  if (summary.records !== header.records) {
    throw new ImportError(
      lastLine,
      `the file ends after ${summary.records} records, but its header announces ${header.records}: it was cut short (the records it has are imported)`,
    );
  }
  return summary;
}

/**
 * An import confined to one organization (a tenant's admin's): every record must be of
 * `slug`, whether or not the organization it names exists, so a refusal tells nothing of
 * other tenants. The whole file is checked before anything is written — a refused file
 * leaves nothing behind, whatever its batch size — at the cost of reading it twice.
 */
export async function requireOrganization(lines: AsyncIterable<Line>, slug: string): Promise<void> {
  let header = true;
  for await (const line of lines) {
    if (header) {
      parseLine(line, checkHeader);
      header = false;
      continue;
    }
    const owner = organizationOf(parseLine(line, checkRecord));
    if (owner !== slug) {
      throw new ImportForbidden(line.number, `the record is of organization '${owner}'; you may import only into your own organization '${slug}'`);
    }
  }
}

function parseLine<T>({ number, text }: Line, check: (value: unknown) => T): T {
  if (text.trim() === '') throw new ImportError(number, 'the line is empty: every line is one JSON object');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ImportError(number, `not valid JSON (${(error as Error).message})`);
  }
  try {
    return check(value);
  } catch (error) {
    if (error instanceof FormatProblem) throw new ImportError(number, error.message);
    throw error;
  }
}

/**
 * Sets are written in the order an export writes them, so that a file that lists them
 * otherwise compares equal to what it imported.
 */
function normalize(record: ExportRecord): ExportRecord {
  if (record.type !== 'timeline_entry') return record;
  const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    ...record,
    private_to: record.private_to && [...record.private_to].sort(compareUserRefs),
    reactions:
      record.reactions &&
      [...record.reactions].sort((a, b) => byText(a.created_at, b.created_at) || byText(a.emoji, b.emoji) || compareUserRefs(a.user, b.user)),
  };
}

/** The order users are exported in: by type (dev, rev, service account, system), then number. */
function compareUserRefs(a: string, b: string): number {
  return compareUserKeys(userKeyOf(a), userKeyOf(b));
}
