/**
 * How a store's units of work (`Store.transaction`) become database transactions.
 *
 * PostgreSQL gives each unit a transaction of its own, on a connection of its own. SQLite
 * has one connection and one writer, and a COMMIT costs more than a small unit of work
 * (each commit writes every page it touched to the WAL again), so there concurrent units
 * are committed in groups: one `BEGIN IMMEDIATE … COMMIT` around many of them, each in a
 * savepoint of its own, so that a unit that fails rolls back alone while the others
 * commit. A unit is answered only once its group has committed.
 *
 * better-sqlite3 is synchronous: a unit runs to its end within the microtasks of the turn
 * that started it. A group therefore forms only because its start is deferred to the end
 * of the event loop's turn (`setImmediate`): every request read in that turn has queued
 * its unit by then.
 */
import { CompiledQuery, type Kysely, type KyselyPlugin } from 'kysely';
import type { Database } from './schema.js';

export type UnitOfWork<T> = (trx: Kysely<Database>) => Promise<T>;

export interface Transactions {
  /** Runs `work` in a transaction; resolves once what it wrote is committed. */
  run<T>(work: UnitOfWork<T>): Promise<T>;
  readonly stats: CommitStats;
}

/** Commits and the units of work they carried, since the database was opened (GET /metrics). */
export class CommitStats {
  commits = 0;
  units = 0;

  counted(units: number): void {
    this.commits++;
    this.units += units;
  }
}

/** A transaction per unit of work. */
export class OwnTransactions implements Transactions {
  readonly stats = new CommitStats();

  constructor(private readonly db: Kysely<Database>) {}

  async run<T>(work: UnitOfWork<T>): Promise<T> {
    const value = await this.db.transaction().execute(work);
    this.stats.counted(1);
    return value;
  }
}

/** Another store's transactions, with `plugin` on every statement of the work (a request's statement counter). */
export class PluggedTransactions implements Transactions {
  constructor(
    private readonly inner: Transactions,
    private readonly plugin: KyselyPlugin,
  ) {}

  get stats(): CommitStats {
    return this.inner.stats;
  }

  run<T>(work: UnitOfWork<T>): Promise<T> {
    return this.inner.run((trx) => work(trx.withPlugin(this.plugin)));
  }
}

/**
 * The most units one commit carries. A unit is answered only after the last of its group
 * has run, so a bound on the group bounds that wait (64 small writes: ~20 ms of CPU).
 */
export const MAX_GROUP_SIZE = 64;

interface QueuedUnit {
  work: UnitOfWork<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

const SAVEPOINT = CompiledQuery.raw('savepoint unit');
const RELEASE = CompiledQuery.raw('release unit');
const ROLLBACK_TO = CompiledQuery.raw('rollback to unit');

export class GroupCommit implements Transactions {
  readonly stats = new CommitStats();
  private queue: QueuedUnit[] = [];
  /** A group is waiting for the end of the turn, or running: the queue waits for it. */
  private busy = false;

  constructor(
    private readonly db: Kysely<Database>,
    /** Whether SQLite still has the group's transaction open (some errors roll it all back). */
    private readonly inTransaction: () => boolean,
  ) {}

  run<T>(work: UnitOfWork<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.busy) this.schedule();
    });
  }

  private schedule(): void {
    this.busy = true;
    setImmediate(() => void this.commitNextGroup());
  }

  private async commitNextGroup(): Promise<void> {
    const group = this.queue.splice(0, MAX_GROUP_SIZE);
    try {
      const rerun = group.length === 1 ? await this.commitAlone(group[0]!) : await this.commitGroup(group);
      // Units a failing batch-mate took down with the group; they have not been answered.
      this.queue.unshift(...rerun);
    } finally {
      this.busy = false;
      if (this.queue.length > 0) this.schedule();
    }
  }

  /** One unit needs no savepoint: its transaction is its own. */
  private async commitAlone(unit: QueuedUnit): Promise<QueuedUnit[]> {
    try {
      const value = await this.db.transaction().execute(unit.work);
      this.stats.counted(1);
      unit.resolve(value);
    } catch (error) {
      unit.reject(error);
    }
    return [];
  }

  /** Commits `group` as one transaction; returns the units to run again in another. */
  private async commitGroup(group: QueuedUnit[]): Promise<QueuedUnit[]> {
    const committed: Array<{ unit: QueuedUnit; value: unknown }> = [];
    let started = 0;
    let lostAt = -1;
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const [index, unit] of group.entries()) {
          started = index + 1;
          await trx.executeQuery(SAVEPOINT);
          try {
            const value = await unit.work(trx);
            await trx.executeQuery(RELEASE);
            committed.push({ unit, value });
          } catch (error) {
            // Nothing of this unit will be committed, so it may hear of its failure now.
            unit.reject(error);
            if (!this.inTransaction()) {
              // SQLite rolled the whole transaction back (a full disk, an I/O error): the
              // batch-mates' work is gone with it, unanswered, and runs again.
              lostAt = index;
              throw error;
            }
            await trx.executeQuery(ROLLBACK_TO);
            await trx.executeQuery(RELEASE);
          }
        }
      });
    } catch (error) {
      if (lostAt >= 0) return [...committed.map(({ unit }) => unit), ...group.slice(lostAt + 1)];
      // BEGIN failed (the database stayed busy) or COMMIT did: nothing was committed.
      for (const unit of [...committed.map(({ unit }) => unit), ...group.slice(started)]) unit.reject(error);
      return [];
    }
    this.stats.counted(committed.length);
    for (const { unit, value } of committed) unit.resolve(value);
    return [];
  }
}
