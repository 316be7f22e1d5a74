import type { Insertable, Kysely, Selectable } from 'kysely';
import type { DialectName } from './migrations/helpers.js';
import type { Artifact, ArtifactSummary, ByteRange, User } from '../model/index.js';
import type { BlobStore } from './blobs.js';
import { translateUnique } from './errors.js';
import type { UserStore } from './users.js';
import type { ArtifactsTable, Database } from './schema.js';

export interface NewArtifact {
  orgId: number;
  number: number;
  fileName: string;
  declaredType: string | null;
  createdBy: number;
  at: string;
  // An import's: the artifact as it was where it was exported from, its bytes and parent
  // with it. A new one is prepared empty, uploaded and attached later.
  contentType?: string | null;
  size?: number | null;
  content?: Uint8Array | null;
  uploadedAt?: string | null;
  parentKind?: string | null;
  parentNumber?: number | null;
  parentPosition?: number | null;
  modifiedAt?: string;
}

export interface ArtifactUpload {
  contentType: string;
  content: Uint8Array;
  at: string;
}

/** What a download needs before its bytes: their type, name and size. */
export interface ArtifactFile {
  contentType: string;
  fileName: string;
  size: number;
}

/** The parent kind of a file on a message: the comment it is attached to. */
export const ENTRY_PARENT = 'timeline_comment';

/** Every column but the bytes, which are read only when they are served (or exported). */
export const SUMMARY_COLUMNS = [
  'id',
  'org_id',
  'number',
  'file_name',
  'declared_type',
  'content_type',
  'size',
  'uploaded_at',
  'parent_kind',
  'parent_number',
  'parent_position',
  'created_by',
  'created_at',
  'modified_at',
] as const;

type ArtifactRow = Omit<Selectable<ArtifactsTable>, 'content' | 'upload_started_at'>;

export class ArtifactStore {
  constructor(
    private readonly db: Kysely<Database>,
    /** The store's one user reader, shared so that every entity reads people the same way. */
    private readonly users: UserStore,
    private readonly dialect: DialectName,
    /** Where the bytes live (store/blobs.ts): the row itself today. */
    private readonly blobs: BlobStore,
  ) {}

  async insert(input: NewArtifact): Promise<Artifact> {
    return (await this.findById(await this.insertRow(input)))!;
  }

  /** The artifact's row alone, its id back: an import writes artifacts one at a time, their bytes can be large, and reads none back. */
  async insertRow(input: NewArtifact): Promise<number> {
    const { id } = await translateUnique(() => this.db.insertInto('artifacts').values(artifactRow(input)).returning('id').executeTakeFirstOrThrow());
    if (input.content) await this.blobs.write(id, input.content);
    return id;
  }

  async findById(id: number): Promise<Artifact | undefined> {
    const row = await this.db.selectFrom('artifacts').select(SUMMARY_COLUMNS).where('id', '=', id).executeTakeFirst();
    return row && (await this.withCreators([row]))[0];
  }

  async findByNumber(orgId: number, number: number): Promise<Artifact | undefined> {
    const row = await this.db
      .selectFrom('artifacts')
      .select(SUMMARY_COLUMNS)
      .where('org_id', '=', orgId)
      .where('number', '=', number)
      .executeTakeFirst();
    return row && (await this.withCreators([row]))[0];
  }

  /** Artifacts attached to one parent, in their place among its files (then oldest first). */
  async listByParent(orgId: number, kind: string, number: number, limit: number): Promise<Artifact[]> {
    const rows = await this.db
      .selectFrom('artifacts')
      .select(SUMMARY_COLUMNS)
      .where('org_id', '=', orgId)
      .where('parent_kind', '=', kind)
      .where('parent_number', '=', number)
      .orderBy('parent_position')
      .orderBy('id')
      .limit(limit)
      .execute();
    return this.withCreators(rows);
  }

  /** A user's own uploads, newest first. */
  async listByCreator(userId: number, limit: number): Promise<Artifact[]> {
    const rows = await this.db
      .selectFrom('artifacts')
      .select(SUMMARY_COLUMNS)
      .where('created_by', '=', userId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return this.withCreators(rows);
  }

  /**
   * Spends the upload link of an artifact: true for the first attempt only, false once an
   * attempt has started (whatever became of it) or the bytes are already there.
   */
  async startUpload(id: number, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('artifacts')
      .set({ upload_started_at: at })
      .where('id', '=', id)
      .where('upload_started_at', 'is', null)
      .where('uploaded_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * The bytes of everything `userId` has uploaded. Inside a transaction on PostgreSQL it
   * also locks the user's row until commit, so concurrent uploads of one user are counted
   * one after the other and cannot overrun a quota together (SQLite runs one writer anyway).
   */
  async bytesUploadedBy(userId: number): Promise<number> {
    if (this.dialect === 'postgres') await this.db.selectFrom('users').select('id').where('id', '=', userId).forUpdate().execute();
    const row = await this.db
      .selectFrom('artifacts')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number | string>('size'), eb.lit(0)).as('bytes'))
      .where('created_by', '=', userId)
      .executeTakeFirstOrThrow();
    return Number(row.bytes);
  }

  /** Stores the bytes once: false when the artifact already has them (the row is unchanged). */
  async upload(id: number, upload: ArtifactUpload): Promise<boolean> {
    // The link was spent before the body was read (`startUpload`): one upload gets this far.
    await this.blobs.write(id, upload.content);
    const result = await this.db
      .updateTable('artifacts')
      .set({
        content_type: upload.contentType,
        size: upload.content.byteLength,
        uploaded_at: upload.at,
        modified_at: upload.at,
      })
      .where('id', '=', id)
      .where('uploaded_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Removes artifacts prepared before `before` and never uploaded: their upload link has
   * expired, so they can never be filled, attached or downloaded. Returns how many went.
   */
  async pruneNeverUploadedBefore(before: string): Promise<number> {
    const result = await this.db
      .deleteFrom('artifacts')
      .where('uploaded_at', 'is', null)
      .where('parent_kind', 'is', null)
      .where('created_at', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * Removes uploaded artifacts that nothing shows and that have not changed since `before`:
   * loose uploads never attached, and display pictures since replaced or cleared (which
   * `detach` dated). A user's display picture and a comment's files are the attachments
   * Confab keeps; a new kind of parent must be excluded here too. At most `batch` rows a statement, so one
   * sweep never holds the write lock for long; several processes sweeping at once only
   * delete the same rows twice. Returns how many went.
   */
  async pruneUnattachedBefore(before: string, batch = 500): Promise<number> {
    let removed = 0;
    for (;;) {
      const gone = await this.db
        .deleteFrom('artifacts')
        // Again outside: PostgreSQL re-checks these on a row a concurrent attach just dated.
        .where('modified_at', '<', before)
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('artifacts as candidates')
            .select('candidates.id')
            .where('candidates.modified_at', '<', before)
            .where('candidates.uploaded_at', 'is not', null)
            .where((inner) => inner.or([inner('candidates.parent_kind', 'is', null), inner('candidates.parent_kind', '!=', ENTRY_PARENT)]))
            .where((inner) =>
              inner.not(inner.exists(inner.selectFrom('users').select('users.id').whereRef('users.display_picture_id', '=', 'candidates.id'))),
            )
            .limit(batch),
        )
        .returning('id')
        .execute();
      await this.blobs.forget(gone.map((row) => row.id));
      const count = gone.length;
      removed += count;
      if (count < batch) return removed;
    }
  }

  /** An uploaded artifact's type, name and size; undefined until it has its bytes. */
  async readFile(id: number): Promise<ArtifactFile | undefined> {
    const row = await this.db.selectFrom('artifacts').select(['content_type', 'file_name', 'size', 'uploaded_at']).where('id', '=', id).executeTakeFirst();
    if (!row || row.uploaded_at === null || row.content_type === null || row.size === null) return undefined;
    return { contentType: row.content_type, fileName: row.file_name, size: Number(row.size) };
  }

  /** The bytes of an uploaded artifact, or the `range` of them. */
  readContent(id: number, range?: ByteRange): Promise<Buffer | undefined> {
    return this.blobs.read(id, range);
  }

  /**
   * Attaches the artifact to a parent unless it already has another one. The condition is
   * in the UPDATE itself, so two concurrent attachments to different parents cannot both win.
   */
  async attach(id: number, kind: string, number: number, at: string, position: number | null = null): Promise<boolean> {
    const result = await this.db
      .updateTable('artifacts')
      .set({ parent_kind: kind, parent_number: number, parent_position: position, modified_at: at })
      .where('id', '=', id)
      .where((eb) =>
        eb.or([
          eb('parent_kind', 'is', null),
          eb.and([eb('parent_kind', '=', kind), eb('parent_number', '=', number)]),
        ]),
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Lets go of an artifact its parent no longer shows (a replaced or cleared display
   * picture): attached to nothing from `at`, from which its day until the sweep counts.
   */
  async detach(orgId: number, number: number, at: string): Promise<void> {
    await this.db
      .updateTable('artifacts')
      .set({ parent_kind: null, parent_number: null, parent_position: null, modified_at: at })
      .where('org_id', '=', orgId)
      .where('number', '=', number)
      .execute();
  }

  /**
   * Removes the files of these comments of one organization, bytes and all: a deleted or
   * expired message takes its files with it. Returns how many went.
   */
  async deleteOfEntries(orgId: number, entryNumbers: readonly number[]): Promise<number> {
    if (entryNumbers.length === 0) return 0;
    const gone = await this.db
      .deleteFrom('artifacts')
      .where('org_id', '=', orgId)
      .where('parent_kind', '=', ENTRY_PARENT)
      .where('parent_number', 'in', [...entryNumbers])
      .returning('id')
      .execute();
    await this.blobs.forget(gone.map((row) => row.id));
    return gone.length;
  }

  /** The same, for entries named by row id, of any organization (the expiry purge's batch); call before the entries go. */
  async deleteOfEntryRows(entryIds: readonly number[]): Promise<void> {
    if (entryIds.length === 0) return;
    const gone = await this.db
      .deleteFrom('artifacts')
      .where('parent_kind', '=', ENTRY_PARENT)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('timeline_entries as gone')
            .select('gone.id')
            .where('gone.id', 'in', [...entryIds])
            .whereRef('gone.org_id', '=', 'artifacts.org_id')
            .whereRef('gone.number', '=', 'artifacts.parent_number'),
        ),
      )
      .returning('id')
      .execute();
    await this.blobs.forget(gone.map((row) => row.id));
  }

  private async withCreators(rows: readonly ArtifactRow[]): Promise<Artifact[]> {
    const creators = new Map(
      (await this.users.findByIds([...new Set(rows.map((row) => row.created_by))])).map((user): [number, User] => [user.id, user]),
    );
    return rows.map((row) => toArtifact(row, creators.get(row.created_by)!));
  }
}

/**
 * The files of these comments, by the comment's number, in their place: one statement for a
 * page of entries (the index on org, parent kind and number). The bytes stay behind.
 */
export async function filesOfEntries(db: Kysely<Database>, orgId: number, entryNumbers: readonly number[]): Promise<Map<number, ArtifactSummary[]>> {
  const files = new Map<number, ArtifactSummary[]>();
  if (entryNumbers.length === 0) return files;
  const rows = await db
    .selectFrom('artifacts')
    .select(['number', 'file_name', 'content_type', 'size', 'parent_number'])
    .where('org_id', '=', orgId)
    .where('parent_kind', '=', ENTRY_PARENT)
    .where('parent_number', 'in', [...new Set(entryNumbers)])
    .orderBy('parent_position')
    .orderBy('id')
    .execute();
  for (const row of rows) {
    const list = files.get(row.parent_number!) ?? [];
    list.push({ number: row.number, fileName: row.file_name, fileType: row.content_type, size: row.size === null ? null : Number(row.size) });
    files.set(row.parent_number!, list);
  }
  return files;
}

function artifactRow(input: NewArtifact): Insertable<ArtifactsTable> {
  return {
    org_id: input.orgId,
    number: input.number,
    file_name: input.fileName,
    declared_type: input.declaredType,
    content_type: input.contentType ?? null,
    size: input.size ?? null,
    uploaded_at: input.uploadedAt ?? null,
    parent_kind: input.parentKind ?? null,
    parent_number: input.parentNumber ?? null,
    parent_position: input.parentPosition ?? null,
    created_by: input.createdBy,
    created_at: input.at,
    modified_at: input.modifiedAt ?? input.at,
  };
}

function toArtifact(row: ArtifactRow, createdBy: User): Artifact {
  return {
    id: row.id,
    orgId: row.org_id,
    number: row.number,
    fileName: row.file_name,
    fileType: row.content_type,
    size: row.size,
    declaredType: row.declared_type,
    uploadedAt: row.uploaded_at,
    parent: row.parent_kind === null || row.parent_number === null ? null : { kind: row.parent_kind, number: row.parent_number },
    parentPosition: row.parent_position,
    createdBy,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
  };
}
