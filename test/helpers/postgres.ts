/**
 * A fresh PostgreSQL schema per test file when TEST_DATABASE_URL is set, so files run in
 * parallel on one database without seeing each other, and nothing is left behind.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestSchema {
  name: string;
  /** TEST_DATABASE_URL with this schema as the search_path: what Confab gets as DATABASE_URL. */
  url: string;
  drop(): Promise<void>;
}

export function testDatabaseUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || undefined;
}

/** For test files that mean nothing without PostgreSQL: fail loudly rather than pass empty. */
export function requireTestDatabaseUrl(): string {
  const url = testDatabaseUrl();
  if (!url) throw new Error('TEST_DATABASE_URL is not set: these tests need PostgreSQL; run `npm run test:postgres`');
  return url;
}

export async function createTestSchema(baseUrl: string): Promise<TestSchema> {
  const name = `confab_test_${randomBytes(6).toString('hex')}`;
  await admin(baseUrl, `create schema ${name}`);
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${name}`);
  return { name, url: url.toString(), drop: async () => void (await admin(baseUrl, `drop schema if exists ${name} cascade`)) };
}

/** Runs one statement on its own connection. */
export async function admin(baseUrl: string, statement: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    return await client.query(statement);
  } finally {
    await client.end();
  }
}

/** One statement inside a test schema; `?` placeholders, as SQLite spells them. */
export async function executeInSchema(schema: TestSchema, statement: string, params: unknown[]): Promise<Record<string, unknown>[]> {
  let n = 0;
  const client = new pg.Client({ connectionString: schema.url });
  await client.connect();
  try {
    return (await client.query(statement.replace(/\?/g, () => `$${++n}`), params)).rows;
  } finally {
    await client.end();
  }
}

/** Tables whose rows change with time (a stream closing, the offline sweep), not with requests: snapshots leave them out. */
export const EPHEMERAL_TABLES = ['user_presence'];

/**
 * Every row of every table of the schema as one JSON text, in one round trip on one
 * connection kept for the purpose: fuzzing snapshots the database after every request.
 */
export async function snapshotSchema(schema: TestSchema): Promise<string> {
  let client = snapshotClients.get(schema.name);
  if (!client) {
    client = new pg.Client({ connectionString: schema.url });
    await client.connect();
    snapshotClients.set(schema.name, client);
  }
  const { rows: tables } = await client.query<{ name: string }>(
    'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name <> ALL($1) ORDER BY table_name',
    [EPHEMERAL_TABLES],
  );
  if (tables.length === 0) return '{}';
  // Rows sorted by their text: not every table has a key, and only the set matters.
  const columns = tables.map(
    ({ name }) => `(SELECT coalesce(json_agg(r ORDER BY r::text), '[]') FROM "${name}" r) AS "${name}"`,
  );
  const { rows } = await client.query(`SELECT ${columns.join(', ')}`);
  return JSON.stringify(rows[0]);
}

export async function closeSnapshotClient(schema: TestSchema): Promise<void> {
  await snapshotClients.get(schema.name)?.end();
  snapshotClients.delete(schema.name);
}

const snapshotClients = new Map<string, pg.Client>();
