/**
 * Counting the statements one request sends (DESIGN.md "Speed model": every operation's
 * cost is counted and budgeted). A request's store is a view of the root store whose
 * queries pass through a `CountingPlugin` that adds to the request's `StatementCounter`;
 * nothing is carried implicitly (no AsyncLocalStorage), so background work on the root
 * store is never counted against a request.
 */
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

/** Statements sent on behalf of one request, so far. */
export class StatementCounter {
  count = 0;
}

/**
 * Counts each statement once its answer is back. Not in `transformQuery`: Kysely runs that
 * also for every subquery built on the same instance (store/membership.ts `chatIdsOfUser`),
 * which would count one statement several times. A statement that fails is not counted;
 * neither are BEGIN and COMMIT, which Kysely sends around plugins.
 */
export class CountingPlugin implements KyselyPlugin {
  constructor(private readonly counter: StatementCounter) {}

  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    return node;
  }

  async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    this.counter.count++;
    return result;
  }
}
