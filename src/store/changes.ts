/**
 * The after-commit change bus: "these tables changed", told once the change is committed
 * and never before. The outbox dispatcher wakes on `events`, the webhook worker on
 * `webhook_deliveries`, the grant cache on the tables a grant is made of; a publisher to
 * other processes (PostgreSQL NOTIFY, Redis) can listen here too.
 *
 * What changed is read from each query's syntax tree as Kysely builds it (the table an
 * INSERT, UPDATE or DELETE names), and counted only when the statement touched a row: no
 * entity store has to remember to announce its writes, and a claim that found nothing to
 * claim wakes no one.
 */
import {
  AliasNode,
  DeleteQueryNode,
  InsertQueryNode,
  RawNode,
  TableNode,
  UpdateQueryNode,
  type KyselyPlugin,
  type OperationNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryId,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import type { StoredEvent } from '../model/index.js';

/** A table name, or `*` when a raw statement may have written anything (the emulator's wipe). */
export type ChangedTable = string;

export interface Change {
  tables: ReadonlySet<ChangedTable>;
  /** Committed by another process, and heard of through the relay (realtime/change-relay.ts). */
  remote?: boolean;
  /**
   * The outbox events this commit appended, as a read of them would answer, when this
   * process committed them and did not rewrite them before committing: its dispatcher hands
   * them out without reading them back (realtime/dispatcher.ts). Absent, they are read.
   */
  events?: readonly StoredEvent[];
}

export type ChangeListener = (change: Change) => void;

export class ChangeBus {
  private readonly listeners = new Set<ChangeListener>();
  private readonly relayListeners = new Set<(heard: boolean) => void>();
  private heard = false;

  /**
   * Whether other processes' commits reach this bus now: the change relay is connected and
   * listening. A cache that other processes' writes can make stale is exact only while this
   * holds; without a relay (one process, the CLI) it never does.
   */
  get hearsOtherProcesses(): boolean {
    return this.heard;
  }

  /** Said by the change relay whenever it starts or stops hearing the others. */
  relayHearing(heard: boolean): void {
    if (heard === this.heard) return;
    this.heard = heard;
    for (const listener of this.relayListeners) listener(heard);
  }

  /** Told each time `hearsOtherProcesses` changes; returns the function that stops telling. */
  onRelayHearing(listener: (heard: boolean) => void): () => void {
    this.relayListeners.add(listener);
    return () => this.relayListeners.delete(listener);
  }

  /** Returns the function that stops listening. */
  on(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(tables: Iterable<ChangedTable>, origin: { remote?: boolean; events?: readonly StoredEvent[] } = {}): void {
    const change: Change = {
      tables: new Set(tables),
      ...(origin.remote && { remote: true }),
      ...(origin.events && origin.events.length > 0 && { events: origin.events }),
    };
    if (change.tables.size === 0) return;
    for (const listener of this.listeners) listener(change);
  }
}

/** Whether `change` may have touched any of `tables`. */
export function touches(change: Change, tables: readonly string[]): boolean {
  return change.tables.has('*') || tables.some((table) => change.tables.has(table));
}

/** Hands the tables each executed write touched to `sink`. */
export class ChangeRecorder implements KyselyPlugin {
  private readonly writing = new WeakMap<QueryId, ChangedTable[]>();

  constructor(private readonly sink: (tables: readonly ChangedTable[]) => void) {}

  transformQuery({ node, queryId }: PluginTransformQueryArgs): RootOperationNode {
    const tables = writtenTables(node);
    if (tables.length > 0) this.writing.set(queryId, tables);
    return node;
  }

  async transformResult({ result, queryId }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const tables = this.writing.get(queryId);
    if (tables && touchedRows(result)) this.sink(tables);
    return result;
  }
}

/** What the event store tells of the events a unit of work writes (store/events.ts). */
export interface Outbox {
  appended(event: StoredEvent): void;
  /** Events already appended may have been changed (scrubbed): only a read of them is exact. */
  rewritten(): void;
}

/** Collects a transaction's changes, and the events it appended, to publish when (and if) it commits. */
export class PendingChanges implements Outbox {
  readonly tables = new Set<ChangedTable>();
  private readonly events: StoredEvent[] = [];
  private exact = true;

  readonly add = (tables: readonly ChangedTable[]): void => {
    for (const table of tables) this.tables.add(table);
  };

  appended(event: StoredEvent): void {
    this.events.push(event);
  }

  rewritten(): void {
    this.exact = false;
  }

  /** Tells `changes` of the committed transaction. */
  publishTo(changes: ChangeBus): void {
    changes.publish(this.tables, this.exact ? { events: this.events } : {});
  }
}

function touchedRows(result: QueryResult<UnknownRow>): boolean {
  if (result.numAffectedRows !== undefined) return result.numAffectedRows > 0n;
  // A write … RETURNING on SQLite answers its rows and no count.
  return result.rows.length > 0;
}

function writtenTables(node: RootOperationNode): ChangedTable[] {
  // A data-modifying CTE (store/chats.ts `touch` on PostgreSQL) writes its tables too.
  const viaWith = node.kind !== 'RawNode' && 'with' in node && node.with ? node.with.expressions.flatMap((cte) => writtenTables(cte.expression as RootOperationNode)) : [];
  return [...viaWith, ...tablesWrittenBy(node)];
}

function tablesWrittenBy(node: RootOperationNode): ChangedTable[] {
  if (InsertQueryNode.is(node)) return node.into ? [tableName(node.into)] : [];
  if (UpdateQueryNode.is(node)) return node.table ? [tableName(node.table)] : [];
  if (DeleteQueryNode.is(node)) return node.from.froms.map(tableName);
  if (RawNode.is(node)) {
    const text = node.sqlFragments.join('?').trimStart().toLowerCase();
    return /^(select|pragma|with|explain|show|set|begin|commit|rollback|savepoint|release)\b/.test(text) ? [] : ['*'];
  }
  return [];
}

function tableName(node: OperationNode): string {
  const target = AliasNode.is(node) ? node.node : node;
  return TableNode.is(target) ? target.table.identifier.name : '*';
}
