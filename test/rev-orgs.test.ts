import { describe, expect, it } from 'vitest';
import { useServer } from './helpers/server.js';

const t = useServer();

describe('rev-orgs.create', () => {
  it('creates a rev org in DevRev shape, for admins only', async () => {
    const admin = await t.given.org();
    const response = await t.as(admin).post('/rev-orgs.create', { display_name: 'Acme', external_ref: 'acme-1' });
    expect(response.status).toBe(201);
    expect(response.body.rev_org).toMatchObject({ display_name: 'Acme', external_ref: 'acme-1' });
    expect(response.body.rev_org.id).toMatch(/:revo\/\d+$/);
    const bob = await t.given.user(admin);
    expect((await t.as(bob).post('/rev-orgs.create', { display_name: 'x' })).status).toBe(403);
  });

  it('keeps external_ref unique within an org (409) but not across orgs', async () => {
    const a = await t.given.org();
    const b = await t.given.org();
    expect((await t.as(a).post('/rev-orgs.create', { display_name: 'A', external_ref: 'ref' })).status).toBe(201);
    const dup = await t.as(a).post('/rev-orgs.create', { display_name: 'B', external_ref: 'ref' });
    expect(dup.status).toBe(409);
    expect(dup.body.type).toBe('conflict');
    expect((await t.as(b).post('/rev-orgs.create', { display_name: 'A', external_ref: 'ref' })).status).toBe(201);
  });

  it('rejects bad input', async () => {
    const admin = await t.given.org();
    const missing = await t.as(admin).post('/rev-orgs.create', {});
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ type: 'missing_required_field', field_name: 'display_name' });
    const blankRef = await t.as(admin).post('/rev-orgs.create', { display_name: 'x', external_ref: ' ' });
    expect(blankRef.body).toMatchObject({ type: 'missing_required_field', field_name: 'external_ref' });
    expect((await t.as(admin).post('/rev-orgs.list', {})).body.rev_orgs).toEqual([]);
  });
});

describe('rev-orgs.get, .list, .update and .delete', () => {
  it('reads, lists with filters and cursors, updates and deletes', async () => {
    const admin = await t.given.org();
    const one = (await t.as(admin).post('/rev-orgs.create', { display_name: 'One', external_ref: 'r1' })).body.rev_org;
    const two = (await t.as(admin).post('/rev-orgs.create', { display_name: 'Two' })).body.rev_org;
    expect((await t.as(admin).get('/rev-orgs.get', { id: one.display_id })).body.rev_org.id).toBe(one.id);
    const page = await t.as(admin).post('/rev-orgs.list', { limit: 1 });
    expect(page.body.rev_orgs.map((org: { id: string }) => org.id)).toEqual([one.id]);
    const next = await t.as(admin).post('/rev-orgs.list', { limit: 1, cursor: page.body.next_cursor });
    expect(next.body.rev_orgs.map((org: { id: string }) => org.id)).toEqual([two.id]);
    const byRef = await t.as(admin).get('/rev-orgs.list', { external_ref: 'r1' });
    expect(byRef.body.rev_orgs.map((org: { id: string }) => org.id)).toEqual([one.id]);
    const updated = await t.as(admin).post('/rev-orgs.update', { id: two.id, display_name: 'Deux', external_ref: 'r2' });
    expect(updated.body.rev_org).toMatchObject({ display_name: 'Deux', external_ref: 'r2' });
    const clash = await t.as(admin).post('/rev-orgs.update', { id: two.id, external_ref: 'r1' });
    expect(clash.status).toBe(409);
    expect((await t.as(admin).post('/rev-orgs.delete', { id: two.id })).status).toBe(200);
    expect((await t.as(admin).post('/rev-orgs.get', { id: two.id })).status).toBe(404);
  });

  it('refuses to delete a rev org that has rev users, and non-admin changes', async () => {
    const admin = await t.given.org();
    const bob = await t.given.user(admin);
    const org = (await t.as(admin).post('/rev-orgs.create', { display_name: 'Busy' })).body.rev_org;
    await t.as(admin).post('/rev-users.create', { display_name: 'C', rev_org: org.id });
    const busy = await t.as(admin).post('/rev-orgs.delete', { id: org.id });
    expect(busy.status).toBe(400);
    expect(busy.body).toMatchObject({ type: 'value_not_permitted', field_name: 'id' });
    expect((await t.as(bob).post('/rev-orgs.update', { id: org.id, display_name: 'x' })).status).toBe(403);
    expect((await t.as(bob).post('/rev-orgs.delete', { id: org.id })).status).toBe(403);
  });

  it("answers 404 for another org's rev org everywhere", async () => {
    const a = await t.given.org();
    const b = await t.given.org();
    const org = (await t.as(b).post('/rev-orgs.create', { display_name: 'Secret', external_ref: 'sec' })).body.rev_org;
    expect((await t.as(a).post('/rev-orgs.get', { id: org.id })).status).toBe(404);
    expect((await t.as(a).post('/rev-orgs.update', { id: org.id, display_name: 'x' })).status).toBe(404);
    expect((await t.as(a).post('/rev-orgs.delete', { id: org.id })).status).toBe(404);
    expect((await t.as(a).post('/rev-orgs.list', { external_ref: ['sec'] })).body.rev_orgs).toEqual([]);
    expect((await t.as(a).post('/rev-users.create', { display_name: 'x', rev_org: org.id })).status).toBe(404);
    expect((await t.as(b).post('/rev-orgs.get', { id: org.id })).body.rev_org.display_name).toBe('Secret');
  });
});
