/**
 * What one request costs the database: the growth of `confab_db_statements_total` for its
 * operation across the request, on a server nothing else is using meanwhile. Background
 * work (the outbox dispatcher, webhook deliveries, sweepers) is never counted there, so
 * it cannot disturb the figure.
 */
import { expect } from 'vitest';
import type { Response, TestServer } from './server.js';

export async function statementsOf(test: TestServer, operation: string): Promise<number> {
  const response = await fetch(`${test.url}/metrics`);
  expect(response.status).toBe(200);
  const series = `confab_db_statements_total{operation="${operation}"} `;
  const line = (await response.text()).split('\n').find((candidate) => candidate.startsWith(series));
  return line === undefined ? 0 : Number(line.slice(series.length));
}

/** The statements `call` (one request of `operation`, expected to answer `status`) sent. */
export async function statementsOfCall(test: TestServer, operation: string, call: () => Promise<Response>, status = 200): Promise<number> {
  const before = await statementsOf(test, operation);
  const response = await call();
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  return (await statementsOf(test, operation)) - before;
}
