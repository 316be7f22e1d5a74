/**
 * A real Confab server on a random port over a fresh database, and a small HTTP client
 * that checks every response it sees against DevRev's contract.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { formatDisplayId, formatDon } from '../../src/domain/ids.js';
import type { Org, User, UserType } from '../../src/domain/model.js';
import { createUser, initOrg } from '../../src/domain/orgs.js';
import { issueToken } from '../../src/domain/tokens.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { assertMatchesContract } from './contract.js';

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

interface Given {
  org(name?: string): Promise<Person>;
  user(admin: Person, type?: Exclude<UserType, 'sys_user'>, name?: string): Promise<Person>;
}

let counter = 0;

/** Starts a server for the calling test file (fresh database), stopped after it. */
export function useServer(): TestServer {
  const handle = {} as TestServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'confab-test-'));
    const logs: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line));
        done();
      },
    });
    const databaseFile = join(dir, 'confab.db');
    const server = await startServer(
      { port: 0, host: '127.0.0.1', databaseUrl: `sqlite:${databaseFile}`, logLevel: 'info' },
      pino({ level: 'info' }, stream),
    );
    Object.assign(handle, {
      server,
      url: server.url,
      databaseFile,
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
      },
    });
  });
  afterAll(async () => {
    await handle.server?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return handle;
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

  /** Sends a body exactly as given (for malformed JSON and the like). */
  async request(method: string, pathAndQuery: string, rawBody?: string, headers: Record<string, string> = {}): Promise<Response> {
    const response = await fetch(this.baseUrl + pathAndQuery, {
      method,
      headers: {
        ...(rawBody !== undefined && { 'content-type': 'application/json' }),
        ...(this.authorization !== undefined && { authorization: this.authorization }),
        ...headers,
      },
      body: rawBody,
    });
    const text = await response.text();
    const body = text ? JSON.parse(text) : undefined;
    const path = pathAndQuery.split('?')[0]!;
    assertMatchesContract(path, method, response.status, body);
    return { status: response.status, headers: response.headers, body };
  }
}
