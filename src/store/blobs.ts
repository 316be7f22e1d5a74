/**
 * Where the bytes of artifacts live, behind one small interface: the artifact's row (name,
 * type, size, parent) is the database's in any case, and only the bytes could move. Today
 * they are a column of that row (`DatabaseBlobs`: BLOB on SQLite, bytea on PostgreSQL),
 * so every process on the database serves them and a backup or an export holds them with
 * the rest (README "Files"). An S3-compatible store would implement this interface with its
 * keys named after the artifact's row id, and be handed to `ArtifactStore` instead: the
 * domain never sees which.
 */
import { sql, type Kysely } from 'kysely';
import type { ByteRange } from '../model/index.js';
import type { Database } from './schema.js';

export interface BlobStore {
  /**
   * Keeps the bytes of artifact `artifactId`, inside the transaction that records the upload
   * (an object store would write first, outside it, and be cleaned up by `forget` if the
   * transaction fails). Bytes are written once: an artifact never changes.
   */
  write(artifactId: number, content: Uint8Array): Promise<void>;
  /** The bytes, or the inclusive `range` of them; undefined when the artifact has none. */
  read(artifactId: number, range?: ByteRange): Promise<Buffer | undefined>;
  /** Lets go of the bytes of artifacts whose rows have just been deleted. */
  forget(artifactIds: readonly number[]): Promise<void>;
}

/** The bytes in the artifact's own row: written and removed with it, in its transaction. */
export class DatabaseBlobs implements BlobStore {
  constructor(private readonly db: Kysely<Database>) {}

  async write(artifactId: number, content: Uint8Array): Promise<void> {
    await this.db.updateTable('artifacts').set({ content }).where('id', '=', artifactId).execute();
  }

  /** A range is cut by the database (`substr` takes a BLOB and a bytea alike), so only it crosses the wire. */
  async read(artifactId: number, range?: ByteRange): Promise<Buffer | undefined> {
    const bytes = range ? sql<Uint8Array | null>`substr(content, ${range.start + 1}, ${range.end - range.start + 1})` : sql<Uint8Array | null>`content`;
    const row = await this.db.selectFrom('artifacts').select(bytes.as('bytes')).where('id', '=', artifactId).executeTakeFirst();
    return row?.bytes == null ? undefined : Buffer.from(row.bytes);
  }

  /** Nothing to do: the bytes went with the row. */
  async forget(): Promise<void> {}
}
