/**
 * Named snapshots of the whole emulator database. Saving copies the in-memory SQLite
 * database's bytes; restoring opens a database from a copy and swaps it in under the
 * store (store/sqlite.ts), so it costs the same for any amount of data and replays
 * nothing. Snapshots live in this process's memory and die with it.
 */
import { BadRequest, NotFound } from '../domain/errors.js';
import type { RootStore } from '../store/index.js';

export const SNAPSHOT_NAME = /^[a-z0-9_-]{1,64}$/;
/** Each one is a full copy of the database: a bound on how many keeps memory in check. */
export const MAX_SNAPSHOTS = 100;

export interface SnapshotInfo {
  name: string;
  createdAt: string;
  sizeBytes: number;
}

export class Snapshots {
  private readonly saved = new Map<string, { image: Buffer; createdAt: string }>();

  /** `restored` runs after every restore: caches, dispatcher and streams catch up with the swap. */
  constructor(
    private readonly store: RootStore,
    private readonly restored: () => Promise<void>,
  ) {}

  /** Saves the database under `name`, replacing a snapshot of that name. */
  async save(name: string): Promise<SnapshotInfo> {
    if (!this.saved.has(name) && this.saved.size >= MAX_SNAPSHOTS) {
      throw BadRequest.notPermitted('name', `there are already ${MAX_SNAPSHOTS} snapshots; delete one first`);
    }
    const image = await this.store.saveImage();
    const entry = { image, createdAt: new Date().toISOString() };
    this.saved.set(name, entry);
    return info(name, entry);
  }

  async restore(name: string): Promise<SnapshotInfo> {
    const entry = this.saved.get(name);
    if (!entry) throw new NotFound('snapshot', name);
    await this.restoreImage(entry.image);
    return info(name, entry);
  }

  /** Puts back an image this store saved (the emulator's state after fixtures). */
  async restoreImage(image: Buffer): Promise<void> {
    await this.store.restoreImage(image);
    await this.restored();
  }

  list(): SnapshotInfo[] {
    return [...this.saved].map(([name, entry]) => info(name, entry)).sort((a, b) => a.name.localeCompare(b.name));
  }

  delete(name: string): SnapshotInfo {
    const entry = this.saved.get(name);
    if (!entry) throw new NotFound('snapshot', name);
    this.saved.delete(name);
    return info(name, entry);
  }
}

function info(name: string, entry: { image: Buffer; createdAt: string }): SnapshotInfo {
  return { name, createdAt: entry.createdAt, sizeBytes: entry.image.length };
}
