/** `confab export` and `confab import`: moving a database's contents as one JSONL file. */
import { createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { ConfigError } from '../config.js';
import { finished } from 'node:stream/promises';
import { exportData } from '../portability/export.js';
import { ImportConflict, ImportError } from '../portability/errors.js';
import { MAX_LINE_BYTES } from '../portability/format.js';
import { importData } from '../portability/import.js';
import { readLines } from '../portability/lines.js';
import type { RootStore } from '../store/index.js';
import { print } from './output.js';
import { progress } from './progress.js';

export interface ExportFlags {
  out?: string;
  includeSecrets?: boolean;
  org?: string[];
  json?: boolean;
}

/**
 * To a file, written beside it under a `.partial` name and renamed once complete, so a
 * file by the asked-for name is always a whole export; to stdout without `--out`.
 */
export async function runExport(store: RootStore, flags: ExportFlags): Promise<void> {
  const options = { includeSecrets: flags.includeSecrets, orgs: flags.org, onProgress: progress('exporting records') };
  if (flags.out === undefined) {
    await exportData(store, process.stdout, options);
    return;
  }
  const partial = `${flags.out}.partial`;
  const file = createWriteStream(partial);
  try {
    const summary = await exportData(store, file, options);
    file.end();
    await finished(file);
    await rename(partial, flags.out);
    print(
      !!flags.json,
      { out: flags.out, records: summary.records, orgs: summary.orgs },
      `Exported ${summary.records} records of ${summary.orgs} organization(s) to ${flags.out}${flags.includeSecrets ? ' (with secrets: keep the file safe)' : ''}.`,
    );
  } catch (error) {
    file.destroy();
    await rm(partial, { force: true });
    throw error;
  }
}

export interface ImportFlags {
  batchSize?: string;
  json?: boolean;
}

/** From a file, or stdin for `-`. */
export async function runImport(store: RootStore, path: string, flags: ImportFlags): Promise<void> {
  const batchSize = flags.batchSize === undefined ? undefined : Number(flags.batchSize);
  if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1)) {
    throw new ConfigError(`--batch-size must be a positive whole number, not '${flags.batchSize}'`);
  }
  const input = path === '-' ? process.stdin : await openFile(path);
  let committed = 0;
  const onProgress = progress('importing records');
  try {
    const summary = await importData(store, readLines(input, MAX_LINE_BYTES), {
      batchSize,
      onProgress: (done, total) => {
        committed = done;
        onProgress(done, total);
      },
    });
    print(
      !!flags.json,
      summary,
      `Imported ${summary.records} records from ${path === '-' ? 'stdin' : path}: ${summary.created} written, ${summary.unchanged} already there.`,
    );
  } catch (error) {
    if ((error instanceof ImportError || error instanceof ImportConflict) && committed > 0 && !flags.json) {
      process.stderr.write(`confab: the ${committed} records before it are imported; run the import again once the file is right: what is there already is skipped.\n`);
    }
    throw error;
  } finally {
    if (input !== process.stdin) input.destroy();
  }
}

async function openFile(path: string): Promise<Readable> {
  try {
    return (await open(path)).createReadStream({ highWaterMark: 1024 * 1024 });
  } catch (error) {
    throw new ConfigError(`cannot read ${path}: ${(error as Error).message}`);
  }
}
