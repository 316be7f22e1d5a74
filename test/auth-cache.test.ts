/**
 * Token grants are cached in-process (src/store/auth-cache.ts). On SQLite a change made by
 * another process on the same file — the CLI, an operator's script — takes effect on the
 * very next request, as if there were no cache (`data_version` moves). On PostgreSQL the
 * other `confab serve` processes are heard through the change relay (proved in
 * test/services/grant-cache.test.ts); a write that no relay carries, as here, is bounded
 * by the cache's time to live.
 */
import { describe, expect, it } from 'vitest';
import { POSTGRES_GRANT_TTL_MS } from '../src/store/auth-cache.js';
import { useServer } from './helpers/server.js';

const api = useServer();

/** A write through another connection to the server's database, as another process makes it; resolves when the server must see it. */
async function otherProcess(statement: string, params: unknown[]): Promise<void> {
  await api.executeBehindItsBack(statement, params);
  if (api.server.store.dialect === 'postgres') await new Promise((resolve) => setTimeout(resolve, POSTGRES_GRANT_TTL_MS));
}

describe('cached authentication', () => {
  it('refuses a token revoked by another process on the next request (PostgreSQL: once the time to live is past)', async () => {
    const ada = await api.given.org();
    expect((await api.as(ada).get('/dev-users.self')).status).toBe(200);
    expect((await api.as(ada).get('/dev-users.self')).status).toBe(200);
    await otherProcess('UPDATE tokens SET revoked_at = ? WHERE user_id = ?', [new Date().toISOString(), ada.user.id]);
    const res = await api.as(ada).get('/dev-users.self');
    expect(res.status).toBe(401);
    expect(res.body.type).toBe('unauthenticated');
  });

  it('refuses a user deactivated by another process on the next request (PostgreSQL: once the time to live is past)', async () => {
    const admin = await api.given.org();
    const bob = await api.given.user(admin);
    expect((await api.as(bob).get('/dev-users.self')).status).toBe(200);
    await otherProcess("UPDATE users SET state = 'deactivated' WHERE id = ?", [bob.user.id]);
    const res = await api.as(bob).get('/dev-users.self');
    expect(res.status).toBe(401);
    expect(res.body.type).toBe('unauthenticated');
  });

  it('shows a user renamed by another process on the next request (PostgreSQL: once the time to live is past)', async () => {
    const admin = await api.given.org();
    const bob = await api.given.user(admin);
    expect((await api.as(bob).get('/dev-users.self')).status).toBe(200);
    await otherProcess('UPDATE users SET display_name = ? WHERE id = ?', ['robert', bob.user.id]);
    const res = await api.as(bob).get('/dev-users.self');
    expect(res.status).toBe(200);
    expect(res.body.dev_user.display_name).toBe('robert');
  });

  it('refuses a token revoked through this server on the next request (the change bus)', async () => {
    const ada = await api.given.org();
    const created = await api.as(ada).post('/auth-tokens.create', { requested_token_type: 'urn:devrev:params:oauth:token-type:pat' });
    expect(created.status).toBe(201);
    const other = api.client(`Bearer ${created.body.access_token}`);
    expect((await other.get('/dev-users.self')).status).toBe(200);
    const tokens = await api.as(ada).get('/auth-tokens.list');
    const newest = tokens.body.tokens[0].id;
    expect((await api.as(ada).post('/auth-tokens.delete', { token_id: newest })).status).toBe(200);
    const res = await other.get('/dev-users.self');
    expect(res.status).toBe(401);
    expect(res.body.type).toBe('unauthenticated');
  });
});
