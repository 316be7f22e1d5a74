/**
 * The after-commit change bus: "these tables changed", told once the change is committed
 * and never before. The outbox dispatcher wakes on `events`, the webhook worker on
 * `webhook_deliveries`, the grant cache on the tables a grant is made of; a publisher to
 * other processes (PostgreSQL NOTIFY, Redis) can listen here too.
 *
 * What changed is read from each query's syntax tree as Kysely builds it (the table an
 * INSERT, UPDATE or DELETE names), and counted only when the statement touched a row: no
 * entity store has to remember to announce its writes, and a claim that found nothing to
 * claim wakes no one. The same tree says which rows, where the statement names them by a
 * key column (`RowWrite`): the read caches (store/read-cache.ts) drop those keys alone.
 */
import {
  AliasNode,
  AndNode,
  BinaryOperationNode,
  ColumnNode,
  DeleteQueryNode,
  ParensNode,
  PrimitiveValueListNode,
  ReferenceNode,
  ValueListNode,
  ValueNode,
  ValuesNode,
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

/** The longest a committed transaction waits for the relay to send it before it is answered anyway. */
const SEND_WAIT_MS = 100;

/** A table name, or `*` when a raw statement may have written anything (the emulator's wipe). */
export type ChangedTable = string;

/**
 * One write, as far as its statement tells: the columns an UPDATE set (absent: an INSERT or
 * DELETE, the whole row), and for each key column the values it was confined to — an
 * INSERT's rows, or an UPDATE's or DELETE's `column = value` / `column in (…)` conditions.
 * A key column absent from `keys` means any row.
 */
export interface RowWrite {
  table: ChangedTable;
  /** A plain INSERT: only new rows, which no cache holds yet. */
  inserted?: true;
  columns?: readonly string[];
  keys?: Readonly<Record<string, readonly string[]>>;
}

/** The columns rows are named by, as far as the caches need to know. */
const KEY_COLUMNS = new Set(['id', 'chat_id', 'user_id', 'group_id', 'entry_id']);
/** Past this many values a write is told as touching any row: a bulk write is rare, and its message stays small. */
const MAX_KEYS_PER_WRITE = 100;

export interface Change {
  tables: ReadonlySet<ChangedTable>;
  /**
   * Every write of the change, with the rows it named; absent when not known (a raw
   * statement, a relayed change too large to spell out): then any row of `tables`.
   */
  writes?: readonly RowWrite[];
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
  private sender: (() => Promise<void>) | undefined;

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

  /**
   * Resolves once what was published so far has gone out to the other processes (the
   * change relay sends it), or after `SEND_WAIT_MS` at most: a transaction's caller awaits
   * it, so that a client reading through another process right after the answer finds that
   * process's caches already told. At once without a relay.
   */
  async sent(): Promise<void> {
    if (!this.sender) return;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, SEND_WAIT_MS)));
    await Promise.race([this.sender(), bound]);
    clearTimeout(timer);
  }

  /** The relay's: how to send what is pending now; returns the function that stops it. */
  onSend(sender: () => Promise<void>): () => void {
    this.sender = sender;
    return () => {
      if (this.sender === sender) this.sender = undefined;
    };
  }

  /** Returns the function that stops listening. */
  on(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(
    tables: Iterable<ChangedTable>,
    origin: { remote?: boolean; writes?: readonly RowWrite[]; events?: readonly StoredEvent[] } = {},
  ): void {
    const change: Change = {
      tables: new Set(tables),
      ...(origin.writes && { writes: origin.writes }),
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

export interface KeyQuestion {
  /** Writes that set only these columns (a chat's activity, say) are not counted. */
  ignoredColumns?: readonly string[];
  /** Plain inserts are not counted: only rows that existed before matter (a cache of rows by their own id). */
  existingRowsOnly?: boolean;
}

/**
 * Which keys of `column` the writes to `table` in `change` named: `all` when any row may
 * have changed, an empty set when none did.
 */
export function touchedKeys(change: Change, table: string, column: string, question: KeyQuestion = {}): 'all' | ReadonlySet<string> {
  if (change.tables.has('*')) return 'all';
  if (!change.tables.has(table)) return new Set();
  if (!change.writes) return 'all';
  const keys = new Set<string>();
  const ignored = question.ignoredColumns ?? [];
  for (const write of change.writes) {
    if (write.table !== table) continue;
    if (question.existingRowsOnly && write.inserted) continue;
    if (write.columns && write.columns.every((name) => ignored.includes(name))) continue;
    const named = write.keys?.[column];
    if (!named) return 'all';
    for (const key of named) keys.add(key);
  }
  return keys;
}

/** What `sink` hears of each executed write: the tables it touched, and its rows when the statement named them. */
export type ChangeSink = (tables: readonly ChangedTable[], writes?: readonly RowWrite[]) => void;

/** Hands the tables each executed write touched to `sink`. */
export class ChangeRecorder implements KyselyPlugin {
  private readonly writing = new WeakMap<QueryId, { tables: ChangedTable[]; writes?: RowWrite[] }>();

  constructor(private readonly sink: ChangeSink) {}

  transformQuery({ node, queryId }: PluginTransformQueryArgs): RootOperationNode {
    const tables = writtenTables(node);
    if (tables.length > 0) this.writing.set(queryId, { tables, writes: rowWrites(node) });
    return node;
  }

  async transformResult({ result, queryId }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const written = this.writing.get(queryId);
    if (written && touchedRows(result)) this.sink(written.tables, written.writes);
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
  /** Undefined once any write came without its rows: then the change is told table by table. */
  writes: RowWrite[] | undefined = [];
  private events: StoredEvent[] = [];
  private exact = true;

  readonly add: ChangeSink = (tables, writes) => {
    for (const table of tables) this.tables.add(table);
    if (writes && this.writes) this.writes.push(...writes);
    else this.writes = undefined;
  };

  appended(event: StoredEvent): void {
    this.events.push(event);
  }

  rewritten(): void {
    this.exact = false;
  }

  /** Forgets what was noted: a group commit may run the same unit again after its group was lost. */
  clear(): void {
    this.tables.clear();
    this.writes = [];
    this.events = [];
    this.exact = true;
  }

  /** Tells `changes` of the committed transaction. */
  publishTo(changes: ChangeBus): void {
    changes.publish(this.tables, { writes: this.writes, ...(this.exact && { events: this.events }) });
  }
}

function touchedRows(result: QueryResult<UnknownRow>): boolean {
  if (result.numAffectedRows !== undefined) return result.numAffectedRows > 0n;
  // A write … RETURNING on SQLite answers its rows and no count.
  return result.rows.length > 0;
}

/** The statements of a query's WITH clause: a data-modifying CTE writes as its own statement would. */
export function withStatements(node: RootOperationNode): RootOperationNode[] {
  return node.kind !== 'RawNode' && 'with' in node && node.with ? node.with.expressions.map((cte) => cte.expression as RootOperationNode) : [];
}

function writtenTables(node: RootOperationNode): ChangedTable[] {
  // A data-modifying CTE (store/chats.ts `touch` on PostgreSQL) writes its tables too.
  const viaWith = withStatements(node).flatMap(writtenTables);
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

/**
 * The rows each write names (see `RowWrite`), the data-modifying CTEs' too; undefined when
 * any part is raw, or is not a write whose rows can be named.
 */
function rowWrites(node: RootOperationNode): RowWrite[] | undefined {
  const parts: (RowWrite[] | undefined)[] = [];
  for (const part of [...withStatements(node), node]) {
    const tables = tablesWrittenBy(part);
    if (tables.length > 0) parts.push(ownRowWrites(part, tables));
  }
  return parts.some((part) => part === undefined) ? undefined : parts.flatMap((part) => part!);
}

function ownRowWrites(node: RootOperationNode, tables: readonly ChangedTable[]): RowWrite[] | undefined {
  if (InsertQueryNode.is(node)) {
    // An upsert (ON CONFLICT … DO UPDATE, or REPLACE) may change rows that existed.
    const plain = !node.onConflict && !node.replace && !node.onDuplicateKey;
    return [{ table: tables[0]!, ...(plain && { inserted: true as const }), keys: insertedKeys(node) }];
  }
  if (UpdateQueryNode.is(node)) {
    const columns = (node.updates ?? []).map((update) => columnName(update.column)).filter((name) => name !== undefined);
    return [{ table: tables[0]!, columns, keys: conditionKeys(node.where?.where) }];
  }
  if (DeleteQueryNode.is(node)) {
    // A delete from several tables cannot say which condition is whose.
    return tables.length === 1 ? [{ table: tables[0]!, keys: conditionKeys(node.where?.where) }] : tables.map((table) => ({ table }));
  }
  return undefined;
}

function insertedKeys(node: InsertQueryNode): Record<string, string[]> {
  const keys: Record<string, string[]> = {};
  const columns = (node.columns ?? []).map((column) => column.column.name);
  if (!node.values || !ValuesNode.is(node.values)) return keys;
  const rows = node.values.values;
  if (rows.length > MAX_KEYS_PER_WRITE) return keys;
  columns.forEach((name, index) => {
    if (!KEY_COLUMNS.has(name)) return;
    const values: string[] = [];
    for (const row of rows) {
      const value = PrimitiveValueListNode.is(row) ? row.values[index] : valueOf(row.values[index]);
      if (value === undefined) return;
      values.push(value as string);
    }
    keys[name] = [...new Set(values.map(String))];
  });
  return keys;
}

/** Key columns held to values by a WHERE's top-level conjuncts. */
function conditionKeys(where: OperationNode | undefined): Record<string, string[]> {
  const keys: Record<string, string[]> = {};
  const visit = (node: OperationNode | undefined): void => {
    if (!node) return;
    if (ParensNode.is(node)) return visit(node.node);
    if (AndNode.is(node)) {
      visit(node.left);
      visit(node.right);
      return;
    }
    if (!BinaryOperationNode.is(node)) return;
    const column = columnName(node.leftOperand);
    const operator = (node.operator as { operator?: string }).operator;
    if (column === undefined || !KEY_COLUMNS.has(column) || keys[column]) return;
    const values = operator === '=' ? [valueOf(node.rightOperand)] : operator === 'in' ? listOf(node.rightOperand) : undefined;
    if (values && values.length <= MAX_KEYS_PER_WRITE && values.every((value) => typeof value === 'number' || typeof value === 'string')) {
      keys[column] = [...new Set(values.map(String))];
    }
  };
  visit(where);
  return keys;
}

function columnName(node: OperationNode | undefined): string | undefined {
  if (!node) return undefined;
  if (ColumnNode.is(node)) return node.column.name;
  if (ReferenceNode.is(node) && ColumnNode.is(node.column)) return node.column.column.name;
  return undefined;
}

function valueOf(node: OperationNode | undefined): unknown {
  return node && ValueNode.is(node) ? node.value : undefined;
}

function listOf(node: OperationNode): unknown[] | undefined {
  if (PrimitiveValueListNode.is(node)) return [...node.values];
  if (ValueListNode.is(node)) return node.values.map(valueOf);
  return undefined;
}

function tableName(node: OperationNode): string {
  const target = AliasNode.is(node) ? node.node : node;
  return TableNode.is(target) ? target.table.identifier.name : '*';
}
