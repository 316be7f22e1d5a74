/**
 * Emulator tenants are walls: an admin of a tenant made with `confab.orgs.create` acts on
 * its own organization only. Whole-emulator operations (reset, snapshots, orgs.create,
 * an import into other organizations) are for the emulator's own admins: those of the
 * organizations it started with (its fixtures, or the first organization).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../src/domain/tokens.js';
import { serializeHeader, serializeRecord, type ExportRecord } from '../src/portability/format.js';
import { useEmulator, type Client } from './helpers/server.js';

const emulator = useEmulator();
const as = (token: string) => emulator.withToken(token);
let root: Client;
let rootSlug: string;

beforeAll(() => {
  root = as(emulator.server.firstRun!.token);
  rootSlug = emulator.server.firstRun!.org.slug;
});

const CREATED_AT = '2024-01-01T12:00:00.000Z';

function exportOf(records: ExportRecord[]): string {
  return `${[serializeHeader(records.length), ...records.map(serializeRecord)].join('\n')}\n`;
}

/** A token record that would give `user` of organization `org` a token whose secret is `secret`. */
function tokenRecord(org: string, user: string, id: string, secret: string): ExportRecord {
  return { type: 'token', org, id, user, hash: hashToken(secret), created_at: CREATED_AT };
}

function userRecord(org: string, id: string, email: string, isAdmin = false): ExportRecord {
  return { type: 'user', org, id, email, display_name: email.split('@')[0]!, state: 'active', is_admin: isAdmin, created_at: CREATED_AT, modified_at: CREATED_AT };
}

async function tenant() {
  const created = await root.post('/confab.orgs.create', {});
  expect(created.status).toBe(201);
  return { slug: created.body.org.slug as string, admin: as(created.body.admin.token as string), adminToken: created.body.admin.token as string };
}

describe('confab.import by a tenant admin', () => {
  it("refuses a token record of the emulator's own admin with 403 forbidden naming the line, and stores nothing", async () => {
    const mallory = await tenant();
    const tokensBefore = (await root.get('/auth-tokens.list')).body.tokens;
    const response = await mallory.admin.post('/confab.import', { data: exportOf([tokenRecord(rootSlug, 'DEVU-1', 'TKN-90', 'stolen-root-token')]) });
    expect(response.status).toBe(403);
    expect(response.body.type).toBe('forbidden');
    expect(response.body.message).toMatch(/^line 2: /);
    expect(response.body.message).toContain(rootSlug);
    expect((await as('stolen-root-token').get('/dev-users.self')).status).toBe(401);
    expect((await root.get('/auth-tokens.list')).body.tokens).toEqual(tokensBefore);
  });

  it("refuses an admin user for another tenant's organization, and writes none of its own records before it", async () => {
    const victim = await tenant();
    const mallory = await tenant();
    const data = exportOf([
      userRecord(mallory.slug, 'DEVU-50', 'own@mallory.test'),
      userRecord(victim.slug, 'DEVU-51', 'planted@victim.test', true),
      tokenRecord(victim.slug, 'DEVU-51', 'TKN-51', 'planted-victim-token'),
    ]);
    const response = await mallory.admin.post('/confab.import', { data, batch_size: 1 });
    expect(response.status).toBe(403);
    expect(response.body.type).toBe('forbidden');
    expect(response.body.message).toMatch(/^line 3: /);
    expect((await as('planted-victim-token').get('/dev-users.self')).status).toBe(401);
    expect((await victim.admin.get('/dev-users.get', { id: 'DEVU-51' })).status).toBe(404);
    expect((await mallory.admin.get('/dev-users.get', { id: 'DEVU-50' })).status).toBe(404);
  });

  it('refuses an org record that would make a new organization', async () => {
    const mallory = await tenant();
    const data = exportOf([{ type: 'org', slug: 'brandnew', name: 'Brand new', created_at: CREATED_AT, sequences: {} }]);
    const response = await mallory.admin.post('/confab.import', { data });
    expect(response.status).toBe(403);
    expect(response.body.message).toMatch(/^line 2: /);
    expect(await emulator.server.store.exportReads.orgs(['brandnew'])).toEqual([]);
  });

  it("imports records of the tenant's own organization", async () => {
    const own = await tenant();
    const data = exportOf([userRecord(own.slug, 'DEVU-60', 'imported@own.test'), tokenRecord(own.slug, 'DEVU-60', 'TKN-60', 'own-imported-token')]);
    const response = await own.admin.post('/confab.import', { data });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ records: 2, created: 2, unchanged: 0 });
    const self = await as('own-imported-token').get('/dev-users.self');
    expect(self.status).toBe(200);
    expect(self.body.dev_user.display_id).toBe('DEVU-60');
  });
});

describe("whole-emulator operations are for the emulator's own admins", () => {
  const refused: [string, object][] = [
    ['/confab.reset', {}],
    ['/confab.snapshots.save', { name: 'tenant-made' }],
    ['/confab.snapshots.restore', { name: 'root-made' }],
    ['/confab.snapshots.delete', { name: 'root-made' }],
    ['/confab.orgs.create', {}],
  ];
  for (const [path, body] of refused) {
    it(`answers a tenant admin's ${path.slice(1)} with 403 forbidden`, async () => {
      expect((await root.post('/confab.snapshots.save', { name: 'root-made' })).status).toBe(200);
      const mallory = await tenant();
      const orgsBefore = (await emulator.server.store.orgs.list()).length;
      const response = await mallory.admin.post(path, body);
      expect(response.status).toBe(403);
      expect(response.body.type).toBe('forbidden');
      expect((await emulator.server.store.orgs.list()).length).toBe(orgsBefore);
      const snapshots = await root.get('/confab.snapshots.list');
      expect(snapshots.body.snapshots.map((snapshot: { name: string }) => snapshot.name)).toEqual(['root-made']);
    });
  }

  it("answers a tenant admin's snapshots.list with 403 forbidden", async () => {
    const mallory = await tenant();
    const response = await mallory.admin.get('/confab.snapshots.list');
    expect(response.status).toBe(403);
    expect(response.body.type).toBe('forbidden');
  });

  it("lets the emulator's own admin import into a tenant, snapshot, and reset", async () => {
    const other = await tenant();
    const imported = await root.post('/confab.import', { data: exportOf([tokenRecord(other.slug, 'DEVU-1', 'TKN-70', 'root-planted-token')]) });
    expect(imported.status).toBe(200);
    expect((await as('root-planted-token').get('/dev-users.self')).status).toBe(200);
    expect((await root.post('/confab.snapshots.save', { name: 'by-root' })).status).toBe(200);
    expect((await root.post('/confab.snapshots.restore', { name: 'by-root' })).status).toBe(200);
    expect((await root.post('/confab.reset', {})).status).toBe(200);
    expect((await as(other.adminToken).get('/dev-users.self')).status).toBe(401);
    expect((await root.get('/dev-users.self')).status).toBe(200);
  });
});

describe("the emulator's own admins with fixtures", () => {
  const fixtures = useEmulator({
    organizations: [
      {
        name: 'Acme',
        slug: 'acme',
        users: [{ ref: 'ada', type: 'dev_user', email: 'ada@acme.test', admin: true }],
        tokens: [{ user: 'ada', value: 'fixture-admin-ada' }],
      },
    ],
  });

  it('are the fixtures’ admins; a tenant admin with fixtures of its own is not one', async () => {
    const ada = fixtures.withToken('fixture-admin-ada');
    const created = await ada.post('/confab.orgs.create', {
      fixtures: { users: [{ ref: 'eve', type: 'dev_user', email: 'eve@tenant.test', admin: true }], tokens: [{ user: 'eve', value: 'tenant-fixture-eve' }] },
    });
    expect(created.status).toBe(201);
    const eve = fixtures.withToken('tenant-fixture-eve');
    expect((await eve.post('/confab.orgs.create', {})).status).toBe(403);
    expect((await eve.post('/confab.reset', {})).status).toBe(403);
    expect((await ada.post('/confab.reset', {})).status).toBe(200);
  });
});
