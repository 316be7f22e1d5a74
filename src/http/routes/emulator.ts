/**
 * The emulator's operations (emulator mode only; elsewhere they do not exist and answer
 * 404 like any unknown route): reset, whole-database snapshots, new organizations and
 * imports. Those that act on the whole emulator are for its own admins (emulator/admins.ts);
 * a tenant's admin may import into their own organization only.
 */
import type { FastifyInstance } from 'fastify';
import { requireAdmin } from '../../domain/policy/access.js';
import { BadRequest } from '../../domain/errors.js';
import { formatOrgDon } from '../../domain/ids.js';
import { importData, requireOrganization } from '../../portability/import.js';
import { linesOf } from '../../portability/lines.js';
import { IMPORT_BODY_LIMIT_BYTES } from '../../schema/emulator.js';
import { FixtureError, type Emulator, type SnapshotInfo } from '../../emulator/index.js';
import { presentUserSummary } from '../../present/users.js';
import type { Store } from '../../store/index.js';
import { operation } from '../operation.js';

const FOR_EMULATOR_ADMINS =
  "For the emulator's own admins: those of the organizations it started with (its fixtures', or the first organization). " +
  "Anyone else, a tenant's admin included, gets 403 forbidden.";
const IMPORT_RULES =
  "The emulator's own admins import records of any organization. An admin of a tenant imports only records of their own " +
  'organization: a record of another is 403 forbidden, naming its line, and nothing of the file is written.';

export function emulatorOperations(app: FastifyInstance, store: Store, emulator: Emulator): void {
  orgsCreateOperation(app, store, emulator);
  operation(app, store, {
    name: 'confab.reset',
    description: FOR_EMULATOR_ADMINS,
    async handle({ principal }) {
      emulator.admins.require(principal, 'reset the emulator');
      await emulator.reset();
      return { status: 'reset' as const };
    },
  });
  operation(app, store, {
    name: 'confab.snapshots.save',
    description: FOR_EMULATOR_ADMINS,
    async handle({ principal }, body) {
      emulator.admins.require(principal, 'save snapshots');
      return { snapshot: present(await emulator.snapshots.save(body.name)) };
    },
  });
  operation(app, store, {
    name: 'confab.snapshots.restore',
    description: FOR_EMULATOR_ADMINS,
    async handle({ principal }, body) {
      emulator.admins.require(principal, 'restore snapshots');
      return { snapshot: present(await emulator.snapshots.restore(body.name)) };
    },
  });
  operation(app, store, {
    name: 'confab.snapshots.list',
    description: FOR_EMULATOR_ADMINS,
    get: true,
    async handle({ principal }) {
      emulator.admins.require(principal, 'list snapshots');
      return { snapshots: emulator.snapshots.list().map(present) };
    },
  });
  operation(app, store, {
    name: 'confab.import',
    description: IMPORT_RULES,
    addition: true,
    bodyLimit: IMPORT_BODY_LIMIT_BYTES,
    // The emulator's own admins import whatever organizations the file names, as a
    // snapshot's restore would; a tenant's admin only records of their own organization,
    // or a token record for another organization's admin would be that admin's token.
    async handle({ store, principal }, body) {
      requireAdmin(principal, 'import');
      if (!emulator.admins.includes(principal)) await requireOrganization(linesOf(body.data), principal.org.slug);
      return importData(store, linesOf(body.data), { batchSize: body.batch_size });
    },
  });
  operation(app, store, {
    name: 'confab.snapshots.delete',
    description: FOR_EMULATOR_ADMINS,
    async handle({ principal }, body) {
      emulator.admins.require(principal, 'delete snapshots');
      return { snapshot: present(emulator.snapshots.delete(body.name)) };
    },
  });
}

export function orgsCreateOperation(app: FastifyInstance, store: Store, emulator: Emulator): void {
  operation(app, store, {
    name: 'confab.orgs.create',
    description: FOR_EMULATOR_ADMINS,
    status: 201,
    async handle({ principal }, body) {
      emulator.admins.require(principal, 'create organizations');
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
