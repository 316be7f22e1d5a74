/**
 * The emulator's operations (emulator mode only; elsewhere they do not exist and answer
 * 404 like any unknown route): reset, whole-database snapshots and imports, for admins.
 */
import type { FastifyInstance } from 'fastify';
import { requireAdmin } from '../../domain/access.js';
import { BadRequest } from '../../domain/errors.js';
import { formatOrgDon } from '../../domain/ids.js';
import { importData } from '../../portability/import.js';
import { linesOf } from '../../portability/lines.js';
import { IMPORT_BODY_LIMIT_BYTES } from '../../schema/emulator.js';
import { FixtureError, type Emulator, type SnapshotInfo } from '../../emulator/index.js';
import { presentUserSummary } from '../../present/users.js';
import type { Store } from '../../store/index.js';
import { operation } from '../operation.js';

export function emulatorOperations(app: FastifyInstance, store: Store, emulator: Emulator): void {
  orgsCreateOperation(app, store, emulator);
  operation(app, store, {
    name: 'confab.reset',
    async handle({ principal }) {
      requireAdmin(principal, 'reset the emulator');
      await emulator.reset();
      return { status: 'reset' as const };
    },
  });
  operation(app, store, {
    name: 'confab.snapshots.save',
    async handle({ principal }, body) {
      requireAdmin(principal, 'save snapshots');
      return { snapshot: present(await emulator.snapshots.save(body.name)) };
    },
  });
  operation(app, store, {
    name: 'confab.snapshots.restore',
    async handle({ principal }, body) {
      requireAdmin(principal, 'restore snapshots');
      return { snapshot: present(await emulator.snapshots.restore(body.name)) };
    },
  });
  operation(app, store, {
    name: 'confab.snapshots.list',
    get: true,
    async handle({ principal }) {
      requireAdmin(principal, 'list snapshots');
      return { snapshots: emulator.snapshots.list().map(present) };
    },
  });
  operation(app, store, {
    name: 'confab.import',
    addition: true,
    bodyLimit: IMPORT_BODY_LIMIT_BYTES,
    // Like a snapshot's restore, it writes whatever organizations the file names: the
    // emulator's admin operations act on the whole emulator.
    async handle({ store, principal }, body) {
      requireAdmin(principal, 'import');
      return importData(store, linesOf(body.data), { batchSize: body.batch_size });
    },
  });
  operation(app, store, {
    name: 'confab.snapshots.delete',
    async handle({ principal }, body) {
      requireAdmin(principal, 'delete snapshots');
      return { snapshot: present(emulator.snapshots.delete(body.name)) };
    },
  });
}

export function orgsCreateOperation(app: FastifyInstance, store: Store, emulator: Emulator): void {
  operation(app, store, {
    name: 'confab.orgs.create',
    status: 201,
    async handle({ principal }, body) {
      requireAdmin(principal, 'create organizations');
      let tenant;
      try {
        tenant = await emulator.tenants.create(body.fixtures);
      } catch (error) {
        if (error instanceof FixtureError) throw fixtureRequestError(error.message);
        throw error;
      }
      const { org, admin, token } = tenant;
      return {
        org: { id: formatOrgDon(org.slug), slug: org.slug, name: org.name, created_date: org.createdAt },
        admin: { user: presentUserSummary(admin, { org, user: admin }), token },
      };
    },
  });
}

/** A fixture loader's message names `organizations[0].<path>`: here that is `fixtures.<path>`. */
function fixtureRequestError(message: string): BadRequest {
  const text = message.replace(/^organizations\[0\]/, 'fixtures');
  const field = /^(fixtures[^:\s]*)/.exec(text)?.[1] ?? 'fixtures';
  return new BadRequest('invalid_field', text, { fieldName: field });
}

function present(info: SnapshotInfo) {
  return { name: info.name, created_date: info.createdAt, size_bytes: info.sizeBytes };
}
