/**
 * Two `confab serve` processes on one fresh PostgreSQL schema, with an organization made
 * by `confab init`: for the tests of what one process's write does to the other's caches
 * (grant-cache.test.ts, read-cache.test.ts).
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { createTestSchema, requireTestDatabaseUrl, type TestSchema } from './postgres.js';
import { confab, serve, type ServeProcess } from './process.js';
import { Client } from './server.js';

const PAT = 'urn:devrev:params:oauth:token-type:pat';

export interface TwoProcesses {
  schema: TestSchema;
  a: ServeProcess;
  b: ServeProcess;
  /** The organization's admin, made by `confab init`. */
  adminToken: string;
  adminId: string;
  /** A client of `server` as the admin. */
  asAdmin(server: ServeProcess): Client;
  /** A new dev user with a token (made through A), and a client of `server` holding it. */
  newUser(server: ServeProcess): Promise<{ id: string; client: Client }>;
}

export function useTwoProcesses(orgName: string): TwoProcesses {
  const handle = {
    asAdmin: (server: ServeProcess) => new Client(server.url, `Bearer ${handle.adminToken}`),
    async newUser(server: ServeProcess) {
      const viaA = handle.asAdmin(handle.a);
      const suffix = Math.random().toString(36).slice(2);
      const user = await viaA.post('/dev-users.create', { email: `u-${suffix}@example.com`, display_name: `u-${suffix}`, state: 'active' });
      expect(user.status).toBe(201);
      const token = await viaA.post('/auth-tokens.create', { requested_token_type: PAT, act_as: user.body.dev_user.id });
      expect(token.status).toBe(201);
      return { id: user.body.dev_user.id as string, client: new Client(server.url, `Bearer ${token.body.access_token}`) };
    },
  } as TwoProcesses;

  beforeAll(async () => {
    handle.schema = await createTestSchema(requireTestDatabaseUrl());
    const init = await confab(['init', '--org', orgName, '--email', 'ada@example.com', '--json'], { DATABASE_URL: handle.schema.url });
    expect(init.code).toBe(0);
    const { token, user } = JSON.parse(init.stdout);
    handle.adminToken = token;
    handle.adminId = user.id;
    [handle.a, handle.b] = await Promise.all([serve(handle.schema.url), serve(handle.schema.url)]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([handle.a?.stop(), handle.b?.stop()]);
    await handle.schema?.drop();
  });

  return handle;
}
