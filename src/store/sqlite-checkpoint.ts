/**
 * Checkpoints off the request path. In WAL mode SQLite copies the log back into the
 * database file from time to time; by default the COMMIT that crosses 1,000 pages of log
 * does it, synchronously, with an fsync of the database file — a request that happens to
 * commit then waits for it, and with it the whole event loop (better-sqlite3 is
 * synchronous). So the server's connection never checkpoints (`wal_autocheckpoint = 0`) and
 * a worker thread with a connection of its own runs PASSIVE checkpoints on a timer: they
 * never wait for, nor block, the writer or a reader.
 *
 * Should the worker stop, the connection checkpoints on its own again, so the log cannot
 * grow without bound.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * How often the worker checkpoints (at ~3,000 small writes a second, a second of log is a
 * few MB), and when it starts after the database opens: not at all in a command that ends
 * sooner, and never on a server's way to its first answer.
 */
export const DEFAULT_CHECKPOINT_INTERVAL_MS = 1_000;
/** SQLite's own auto-checkpoint threshold, in pages, restored if the worker stops. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1_000;
/** Once checkpointed, a log that grew under a burst is cut back to this size on disk. */
export const JOURNAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

/** The worker's whole program: CommonJS, as `eval` workers are. */
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const database = new Database(workerData.path);
database.pragma('busy_timeout = 0');
const timer = setInterval(() => {
  try {
    database.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // The file is busy or gone for a moment; the next tick tries again.
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  database.close();
  parentPort.close();
});
`;

export interface CheckpointTarget {
  /** Sets `wal_autocheckpoint` on the server's connection (pages; 0 is off). */
  autoCheckpoint(pages: number): void;
}

export class BackgroundCheckpointer {
  private worker: Worker | undefined;
  private exited: Promise<void> | undefined;
  private readonly startTimer: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly path: string,
    private readonly target: CheckpointTarget,
    private readonly intervalMs = DEFAULT_CHECKPOINT_INTERVAL_MS,
  ) {
    target.autoCheckpoint(0);
    this.startTimer = setTimeout(() => this.start(), intervalMs).unref();
  }

  private start(): void {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path: this.path, driver, intervalMs: this.intervalMs } });
    worker.unref();
    worker.on('error', () => this.fallBack());
    this.exited = new Promise((resolve) =>
      worker.once('exit', () => {
        this.fallBack();
        resolve();
      }),
    );
    this.worker = worker;
  }

  /** The worker is gone while the database is open: the connection checkpoints again. */
  private fallBack(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.target.autoCheckpoint(SQLITE_AUTOCHECKPOINT_PAGES);
  }

  /**
   * Before the server's connection closes: that connection, the last one then, checkpoints
   * what is left and removes the log.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.startTimer);
    // Held until it is gone: the process must not end before the database is closed.
    this.worker?.ref();
    this.worker?.postMessage('stop');
    await this.exited;
  }
}
