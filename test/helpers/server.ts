/**
 * A real Confab server on a random port over a fresh database, and a small HTTP client
 * that checks every response it sees against DevRev's contract.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { formatDisplayId, formatDon } from '../../src/domain/ids.js';
import type { Org, User, UserType } from '../../src/model/index.js';
import { createUser, initOrg } from '../../src/domain/orgs.js';
import { issueToken } from '../../src/domain/tokens.js';
import type { Config } from '../../src/config.js';
import { readFixtures, type Fixtures } from '../../src/emulator/index.js';
import { DEFAULT_OVERLOAD } from '../../src/http/overload.js';
import { startServer, type RunningServer, type ServerTuning } from '../../src/server.js';
import { ConfabClient } from '../../src/client/index.js';
import { assertMatchesContract } from './contract.js';
import { closeSnapshotClient, createTestSchema, EPHEMERAL_TABLES, executeInSchema, snapshotSchema, testDatabaseUrl, type TestSchema } from './postgres.js';

export interface Response<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface TestServer {
  server: RunningServer;
  url: string;
  /** The SQLite file behind the server, for tests that must reach around it. */
  databaseFile: string;
  /** The server's DATABASE_URL (its SQLite file, or its PostgreSQL schema), for `confab` commands. */
  databaseUrl: string;
  /**
   * Runs one statement on the server's database behind its back, SQLite or PostgreSQL
   * alike (`?` placeholders), as a bad disk or a bad manual edit would.
   */
  executeBehindItsBack(statement: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /**
   * Every row of every table, read behind the server's back: what a rejected request must
   * not change. Presence rows are left out: they change with time (a stream closing
   * elsewhere, the offline sweep), not with the request.
   */
  snapshot(): Promise<string>;
  /** Every log line the server wrote, parsed. */
  logs: Record<string, unknown>[];
  /** An unauthenticated client, or one that sends `authorization` as given. */
  client(authorization?: string): Client;
  as(person: Person): Client;
  given: Given;
}

export interface Person {
  org: Org;
  user: User;
  token: string;
  /** The user's ids as the wire carries them. */
  id: string;
  displayId: string;
}

/** Wire objects as the API returns them. */
type Wire = Record<string, any> & { id: string; display_id: string };

interface Given {
  org(name?: string): Promise<Person>;
  user(admin: Person, type?: Exclude<UserType, 'sys_user'>, name?: string): Promise<Person>;
  /** A group made by an admin over the API (`groups.create`, `groups.members.add`). */
  group(admin: Person, members?: Person[], name?: string): Promise<Wire>;
  /** A chat of `owner` and `others` over the API (not a default DM unless `extra` says so). */
  chat(owner: Person, others?: Person[], extra?: Record<string, unknown>): Promise<Wire>;
  /** A message posted by `author` over the API. */
  message(author: Person, chat: { id: string }, body?: string, extra?: Record<string, unknown>): Promise<Wire>;
  /** A customer (rev user) of the rev org `revOrg` (its DON), with a token, made by an admin over the API. */
  customer(admin: Person, revOrg: string, name?: string): Promise<Person>;
}

let counter = 0;

const PAT = 'urn:devrev:params:oauth:token-type:pat';

const NO_OVERLOAD = { ...DEFAULT_OVERLOAD, maxEventLoopDelayMs: 0, maxHeapFraction: 1 };

/**
 * Starts a server for the calling test file (fresh database), stopped after it. The
 * database is an SQLite file, or with TEST_DATABASE_URL a PostgreSQL schema of its own.
 * `config` switches on what tests leave off by default (rate limits, faults) and tunes
 * the rest (e.g. `realtime` for short webhook retries).
 */
export function useServer(config: Partial<Config> = {}, tuning: ServerTuning = {}): TestServer {
  const handle = {} as TestServer;
  let dir: string;
  let schema: TestSchema | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'confab-test-'));
    const postgresUrl = testDatabaseUrl();
    if (postgresUrl) schema = await createTestSchema(postgresUrl);
    const logs: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line));
        done();
      },
    });
    const databaseFile = join(dir, 'confab.db');
    const databaseUrl = config.databaseUrl ?? schema?.url ?? `sqlite:${databaseFile}`;
    const server = await startServer(
      { port: 0, host: '127.0.0.1', logLevel: 'info', ...config, databaseUrl },
      pino({ level: 'info' }, stream),
      // The server shares its event loop with the test code and a loaded machine, so lag
      // there says nothing about the server: overload protection is off unless a test
      // (overload.test.ts) asks for it.
      { overload: NO_OVERLOAD, ...tuning },
    );
    Object.assign(handle, {
      server,
      url: server.url,
      databaseFile,
      databaseUrl,
      executeBehindItsBack: (statement: string, params: unknown[] = []) =>
        schema ? executeInSchema(schema, statement, params) : executeInSqlite(databaseFile, statement, params),
      snapshot: async () => {
        if (schema) return snapshotSchema(schema);
        const tables = await executeInSqlite(
          databaseFile,
          `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN (${EPHEMERAL_TABLES.map(() => '?').join(', ')}) ORDER BY name`,
          EPHEMERAL_TABLES,
        );
        const dump: Record<string, string[]> = {};
        for (const { name } of tables as { name: string }[]) {
          // Sorted rather than ordered by a key: not every table has one, and only the set matters.
          dump[name] = (await executeInSqlite(databaseFile, `SELECT * FROM "${name}"`, [])).map((row) => JSON.stringify(row)).sort();
        }
        return JSON.stringify(dump);
      },
      logs,
      client: (authorization?: string) => new Client(server.url, authorization),
      as: (person: Person) => new Client(server.url, `Bearer ${person.token}`),
      given: {
        async org(name = `org-${++counter}`) {
          const result = await initOrg(server.store, name, `admin-${++counter}@example.com`);
          return person(result.org, result.user, result.token);
        },
        async user(admin: Person, type: Exclude<UserType, 'sys_user'> = 'dev_user', name = `user-${++counter}`) {
          const user = await createUser(server.store, admin.org, {
            type,
            email: `${name}-${++counter}@example.com`,
            displayName: name,
            fullName: `${name} Example`,
          });
          const { secret } = await issueToken(server.store, user);
          return person(admin.org, user, secret);
        },
        async group(admin: Person, members: Person[] = [], name = `group-${++counter}`) {
          const client = new Client(server.url, `Bearer ${admin.token}`);
          const created = await expectStatus(201, client.post('/groups.create', { name, description: `${name}, made by a test` }));
          for (const member of members) {
            await expectStatus(200, client.post('/groups.members.add', { group: created.group.id, member: member.id }));
          }
          return created.group;
        },
        async chat(owner: Person, others: Person[] = [], extra: Record<string, unknown> = {}) {
          const client = new Client(server.url, `Bearer ${owner.token}`);
          const users = [owner.id, ...others.map((other) => other.id)];
          return (await expectStatus(201, client.post('/chats.create', { type: 'dm', users, is_default: false, ...extra }))).chat;
        },
        async message(author: Person, chat: { id: string }, body = `message ${++counter}`, extra: Record<string, unknown> = {}) {
          const client = new Client(server.url, `Bearer ${author.token}`);
          const posted = client.post('/timeline-entries.create', { type: 'timeline_comment', object: chat.id, body, ...extra });
          return (await expectStatus(201, posted)).timeline_entry;
        },
        async customer(admin: Person, revOrg: string, name = `customer-${++counter}`) {
          const client = new Client(server.url, `Bearer ${admin.token}`);
          const created = (
            await expectStatus(201, client.post('/rev-users.create', { display_name: name, email: `${name}@customer.example`, external_ref: name, rev_org: revOrg }))
          ).rev_user;
          const token = await expectStatus(201, client.post('/auth-tokens.create', { requested_token_type: PAT, act_as: created.id }));
          const number = Number(created.display_id.split('-')[1]);
          const user = (await server.store.users.findByNumbers(admin.org.id, [{ type: 'rev_user', number }]))[0]!;
          return person(admin.org, user, token.access_token);
        },
      },
    });
  });
  afterAll(async () => {
    await handle.server?.close();
    if (schema) await closeSnapshotClient(schema);
    await schema?.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  return handle;
}

export interface TestEmulator {
  server: RunningServer;
  url: string;
  /** An unauthenticated client, or one that sends `authorization` as given. */
  client(authorization?: string): Client;
  /** A client that sends this bearer token: a fixture token, or `server.firstRun.token`. */
  withToken(token: string): Client;
}

/**
 * Starts Confab in emulator mode for the calling test file, as `confab serve --memory
 * [--fixtures file]` would: an in-memory database (whatever TEST_DATABASE_URL says, since
 * emulator mode is in-memory SQLite only), the `/confab.*` operations, and `fixtures` (an
 * object or a file) loaded; without fixtures, a first organization (`server.firstRun`).
 */
export function useEmulator(fixtures?: Fixtures | string, tuning: ServerTuning = {}): TestEmulator {
  const handle = {} as TestEmulator;
  beforeAll(async () => {
    const loaded = typeof fixtures === 'string' ? await readFixtures(fixtures) : fixtures;
    const server = await startServer(
      { port: 0, host: '127.0.0.1', databaseUrl: 'sqlite::memory:', logLevel: 'silent' },
      pino({ level: 'silent' }),
      { overload: NO_OVERLOAD, ...(loaded && { fixtures: loaded }), ...tuning },
    );
    Object.assign(handle, {
      server,
      url: server.url,
      client: (authorization?: string) => new Client(server.url, authorization),
      withToken: (token: string) => new Client(server.url, `Bearer ${token}`),
    });
  });
  afterAll(async () => {
    await handle.server?.close();
  });
  return handle;
}

/** The body of a response that must have `status`; anything else fails the test with the body. */
async function expectStatus(status: number, pending: Promise<Response>): Promise<any> {
  const response = await pending;
  if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body;
}

async function executeInSqlite(file: string, statement: string, params: unknown[]): Promise<Record<string, unknown>[]> {
  const db = new Database(file);
  try {
    const prepared = db.prepare(statement);
    if (prepared.reader) return prepared.all(...params) as Record<string, unknown>[];
    prepared.run(...params);
    return [];
  } finally {
    db.close();
  }
}

function person(org: Org, user: User, token: string): Person {
  return {
    org,
    user,
    token,
    id: formatDon(user.type, org.slug, user.number),
    displayId: formatDisplayId(user.type, user.number),
  };
}

export class Client {
  constructor(
    readonly baseUrl: string,
    readonly authorization?: string,
  ) {}

  get(path: string, query: Record<string, string | string[]> = {}): Promise<Response> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      for (const item of Array.isArray(value) ? value : [value]) params.append(key, item);
    }
    const search = params.toString();
    return this.request('GET', search ? `${path}?${search}` : path);
  }

  post(path: string, body?: unknown): Promise<Response> {
    return this.request('POST', path, body === undefined ? undefined : JSON.stringify(body));
  }

  /** Sends a body exactly as given (for malformed JSON and the like), through the typed client. */
  async request(method: string, pathAndQuery: string, rawBody?: string, headers: Record<string, string> = {}): Promise<Response> {
    const client = new ConfabClient({ baseUrl: this.baseUrl });
    const response = await client.raw(method, pathAndQuery, { body: rawBody, headers, authorization: this.authorization });
    const body = response.text ? JSON.parse(response.text) : undefined;
    const path = pathAndQuery.split('?')[0]!;
    assertMatchesContract(path, method, response.status, body);
    return { status: response.status, headers: response.headers, body };
  }
}
