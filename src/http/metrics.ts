/**
 * `GET /metrics` in Prometheus's text format: requests and their latency per operation
 * and status, the database's health, and Node's own figures (event-loop lag, heap, GC).
 * Each app has its own registry, so several servers in one process (tests) never mix.
 */
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

declare module 'fastify' {
  interface FastifyInstance {
    /** The running total of statements sent on behalf of `operation`, made once per route (operation.ts). */
    statementsOf(operation: string): OperationStatements;
  }
}

/** Statements one operation's requests have sent so far: added to on the hot path, read at scrape time. */
export interface OperationStatements {
  count: number;
}

export interface MetricsOptions {
  /** Pending migrations; throws when the database cannot be reached. */
  readiness(): Promise<string[]>;
  /** Messages all message searches have examined so far (store/message-search.ts). */
  searchCandidates(): number;
  /** Transactions committed so far, and the units of work they carried (store/group-commit.ts). */
  commits(): { commits: number; units: number };
}

/** Sub-millisecond buckets: most operations are one or two indexed queries. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** `hooked` false leaves the per-request series out (for measuring their cost); /metrics still answers. */
export function registerMetrics(app: FastifyInstance, { readiness, searchCandidates, commits }: MetricsOptions, hooked = true): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  const labelNames = ['operation', 'method', 'status'] as const;
  const requests = new Counter({ name: 'confab_http_requests_total', help: 'HTTP requests answered', labelNames, registers: [registry] });
  const latency = new Histogram({
    name: 'confab_http_request_duration_seconds',
    help: 'Time from receiving a request to sending its response',
    labelNames,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const inFlight = new Gauge({ name: 'confab_http_requests_in_flight', help: 'Requests being handled', registers: [registry] });
  const databaseUp = new Gauge({ name: 'confab_database_up', help: '1 when the database answers', registers: [registry] });
  const databasePing = new Gauge({
    name: 'confab_database_ping_seconds',
    help: 'Time the database took to answer the scrape\'s health query',
    registers: [registry],
  });
  const pendingMigrations = new Gauge({
    name: 'confab_database_pending_migrations',
    help: 'Migrations the code has that the database has not applied',
    registers: [registry],
  });

  // What message search costs, in the unit that bounds it: candidates read from the index,
  // never more than the cap a search and never another org's (security issue 22).
  new Counter({
    name: 'confab_search_candidates_total',
    help: 'Messages that message searches read from the full-text index before ranking',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(searchCandidates());
    },
  });

  // SQLite commits concurrent units of work in groups: units per commit is the group size.
  new Counter({
    name: 'confab_db_commits_total',
    help: 'Transactions committed',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(commits().commits);
    },
  });
  new Counter({
    name: 'confab_db_committed_units_total',
    help: 'Units of work committed (several share one commit on SQLite)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(commits().units);
    },
  });

  // What each operation costs the database (DESIGN.md "Speed model"). A request adds its
  // count to a plain number its route resolved once; the counter is filled in at scrape time.
  const statements = new Map<string, OperationStatements>();
  new Counter({
    name: 'confab_db_statements_total',
    help: 'Statements sent to the database on behalf of each operation (a cache hit sends none)',
    labelNames: ['operation'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [operation, total] of statements) this.inc({ operation }, total.count);
    },
  });
  app.decorate('statementsOf', (operation: string) => {
    let total = statements.get(operation);
    if (!total) statements.set(operation, (total = { count: 0 }));
    return total;
  });

  // One pair of label children per (operation, method, status), made on its first request:
  // prom-client would otherwise hash the labels on every observation.
  const series = new Map<string, { requests: ReturnType<typeof requests.labels>; latency: ReturnType<typeof latency.labels> }>();
  const seriesOf = (operation: string, method: string, status: number) => {
    const key = `${operation} ${method} ${status}`;
    let found = series.get(key);
    if (!found) {
      const labels = { operation, method, status: String(status) };
      series.set(key, (found = { requests: requests.labels(labels), latency: latency.labels(labels) }));
    }
    return found;
  };
  if (hooked) {
    app.addHook('onRequest', (_request, _reply, done) => {
      inFlight.inc();
      done();
    });
    app.addHook('onResponse', (request, reply, done) => {
      inFlight.dec();
      // The route's pattern, never the raw URL: unknown paths must not make new series.
      const operation = request.routeOptions.url?.replace(/^\//, '') || 'unmatched';
      const { requests: counted, latency: timed } = seriesOf(operation, request.method, reply.statusCode);
      counted.inc();
      timed.observe(reply.elapsedTime / 1000);
      done();
    });
  }

  app.get(
    '/metrics',
    {
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics',
        response: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } } },
      },
    },
    async (_request, reply) => {
      const started = process.hrtime.bigint();
      try {
        pendingMigrations.set((await readiness()).length);
        databaseUp.set(1);
      } catch {
        databaseUp.set(0);
      }
      databasePing.set(Number(process.hrtime.bigint() - started) / 1e9);
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
}
