/**
 * Counting the statements one request sends (DESIGN.md "Speed model": every operation's
 * cost is counted and budgeted). A request's store is a view of the root store whose
 * queries pass through a `CountingPlugin` that adds to the request's `StatementCounter`;
 * nothing is carried implicitly (no AsyncLocalStorage), so background work on the root
 * store is never counted against a request.
 */
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryId, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { withStatements } from './changes.js';

/** Statements sent on behalf of one request, so far. */
export class StatementCounter {
  count = 0;
  /**
   * When a list is set here (the request journal does), the id of every outbox event the
   * request appends is pushed onto it, in order: the journal links a request to the events
   * it caused, and knows it from the request's own statements rather than an ambient context.
   */
  appendedEvents?: number[];
}

/**
 * Counts each statement once its answer is back. Not in `transformQuery`: Kysely runs that
 * also for every subquery built on the same instance (store/membership.ts `chatIdsOfUser`),
 * which would count one statement several times. A statement that fails is not counted;
 * neither are BEGIN and COMMIT, which Kysely sends around plugins.
 */
export class CountingPlugin implements KyselyPlugin {
  private readonly eventInserts = new WeakSet<QueryId>();

  constructor(private readonly counter: StatementCounter) {}

  transformQuery({ node, queryId }: PluginTransformQueryArgs): RootOperationNode {
    if (this.counter.appendedEvents && appendsEvents(node)) this.eventInserts.add(queryId);
    return node;
  }

  async transformResult({ result, queryId }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    this.counter.count++;
    if (this.eventInserts.has(queryId)) {
      for (const row of result.rows) this.counter.appendedEvents?.push(Number(row.id));
    }
    return result;
  }
}

/** An insert into the outbox, alone or as a data-modifying CTE whose ids the statement answers (store/events.ts). */
function appendsEvents(node: RootOperationNode): boolean {
  if (node.kind === 'InsertQueryNode') return node.into?.table.identifier.name === 'events';
  return withStatements(node).some(appendsEvents);
}
