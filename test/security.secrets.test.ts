import { describe, expect, it } from 'vitest';
import { png, prepare, uploadForm } from './helpers/artifacts.js';
import { useServer } from './helpers/server.js';

const t = useServer();

describe('secrets stay out of logs and do not outlive their purpose', () => {
  it('logs signed upload and download links without their signature', async () => {
    const ada = await t.given.org();
    const prepared = await prepare(t, ada);
    expect((await uploadForm(prepared, png())).status).toBe(204);
    const located = await t.as(ada).post('/artifacts.locate', { id: prepared.id });
    expect(located.status).toBe(200);
    expect((await fetch(located.body.url)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));

    const signatures = [prepared.url, located.body.url].map((url) => url.slice(url.lastIndexOf('.') + 1));
    const lines = JSON.stringify(t.logs);
    for (const signature of signatures) expect(lines).not.toContain(signature);
    const logged = t.logs.map((line) => (line.req as { url?: string } | undefined)?.url ?? '').filter((url) => /^\/artifacts\.(upload|download)\//.test(url));
    expect(logged).toEqual([expect.stringMatching(/^\/artifacts\.upload\/a1\.\d+\.u\.\d+\.\[redacted\]$/), expect.stringMatching(/^\/artifacts\.download\/a1\.\d+\.d\.\d+\.\[redacted\]$/)]);
  });

  it('gives the first token of an organization (init, first start) an expiry a year out, shown by auth-tokens.list', async () => {
    const ada = await t.given.org();
    const listed = await t.as(ada).get('/auth-tokens.list');
    expect(listed.status).toBe(200);
    const [token] = listed.body.tokens;
    const expiresAt = Date.parse(token.expires_at);
    const year = 365 * 24 * 3600_000;
    expect(expiresAt).toBeGreaterThan(Date.now() + year - 3600_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + year);
  });

  it('revokes a user’s tokens when they are deactivated, so reactivation revives none', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    expect((await t.as(bob).get('/dev-users.self')).status).toBe(200);
    expect((await t.as(admin).post('/dev-users.deactivate', { id: bob.id })).status).toBe(200);
    expect((await t.as(admin).post('/dev-users.activate', { id: bob.id })).status).toBe(200);
    const after = await t.as(bob).get('/dev-users.self');
    expect(after.status).toBe(401);
    expect(after.body.type).toBe('unauthenticated');
    const listed = await t.as(admin).get('/auth-tokens.list', { subject: bob.id });
    expect(listed.body.tokens.map((token: { status: string }) => token.status)).toEqual(['revoked']);
  });
});
