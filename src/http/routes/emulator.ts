/**
 * The emulator's operations beyond reset (emulator mode only; elsewhere they do not exist
 * and answer 404 like any unknown route): whole-database snapshots, for admins.
 */
import type { FastifyInstance } from 'fastify';
import { Forbidden } from '../../domain/errors.js';
import type { Emulator, SnapshotInfo } from '../../emulator/index.js';
import type { Principal } from '../../model/index.js';
import { SnapshotNameRequest, SnapshotResponse, SnapshotsListRequest, SnapshotsListResponse } from '../../schema/emulator.js';
import type { Store } from '../../store/index.js';
import { operation } from '../operation.js';

export function emulatorOperations(app: FastifyInstance, store: Store, emulator: Emulator): void {
  const admin = (principal: Principal) => {
    if (!principal.user.isAdmin) throw new Forbidden('only admins may save or restore snapshots');
  };
  operation(app, store, {
    name: 'confab.snapshots.save',
    request: SnapshotNameRequest,
    response: SnapshotResponse,
    async handle({ principal }, body) {
      admin(principal);
      return { snapshot: present(await emulator.snapshots.save(body.name)) };
    },
  });
  operation(app, store, {
    name: 'confab.snapshots.restore',
    request: SnapshotNameRequest,
    response: SnapshotResponse,
    async handle({ principal }, body) {
      admin(principal);
      return { snapshot: present(await emulator.snapshots.restore(body.name)) };
    },
  });
  operation(app, store, {
    name: 'confab.snapshots.list',
    request: SnapshotsListRequest,
    response: SnapshotsListResponse,
    get: true,
    async handle({ principal }) {
      admin(principal);
      return { snapshots: emulator.snapshots.list().map(present) };
    },
  });
  operation(app, store, {
    name: 'confab.snapshots.delete',
    request: SnapshotNameRequest,
    response: SnapshotResponse,
    async handle({ principal }, body) {
      admin(principal);
      return { snapshot: present(emulator.snapshots.delete(body.name)) };
    },
  });
}

function present(info: SnapshotInfo) {
  return { name: info.name, created_date: info.createdAt, size_bytes: info.sizeBytes };
}
