/**
 * artifacts.*: DevRev's upload flow. `artifacts.prepare` makes an empty artifact and a
 * link to upload its bytes to; the upload fills it once; `artifacts.locate` hands out a
 * short-lived download link. An artifact is attached to at most one parent: a user, as their
 * display picture, whom anyone in the organization may see; or a comment, as one of its
 * files, which only the comment's readers may (domain/entry-files.ts).
 */
import type { Store } from '../store/index.js';
import { ENTRY_PARENT } from '../store/artifacts.js';
import { attachArtifact, findArtifactOf, requireAttachable } from './artifact-attach.js';
import { LINK_LIFETIME_MS, linkSecret, openLink, sealLink } from './artifact-links.js';
import { BadRequest, NotFound } from './errors.js';
import { parseRefOf, refBelongsTo, type ObjectKind } from './ids.js';
import { safeFileName } from './file-names.js';
import { fileTypeOf, isInlineImage } from './file-types.js';
import { MAX_DISPLAY_PICTURE_BYTES } from './images.js';
import { now, type Artifact, type ByteRange, type Principal, type User } from '../model/index.js';
import { requireText } from './orgs.js';
import { mayReadEntryFiles, readEntryFiles } from './timeline-entries.js';

/** Artifacts are small in number per parent or uploader; one page is enough for now. */
const LIST_LIMIT = 100;

export interface PrepareInput {
  fileName: string;
  fileType?: string;
}

export interface Prepared {
  artifact: Artifact;
  /** The signed token to put in the upload URL. */
  uploadToken: string;
}

export async function prepareArtifact(store: Store, principal: Principal, input: PrepareInput): Promise<Prepared> {
  const fileName = requireFileName(input.fileName);
  if (input.fileType !== undefined) requireText('file_type', input.fileType);
  const org = principal.org;
  const artifact = await store.transaction(async (tx) =>
    tx.artifacts.insert({
      orgId: org.id,
      number: await tx.orgs.nextNumber(org.id, 'artifact'),
      fileName,
      declaredType: input.fileType?.trim() ?? null,
      createdBy: principal.user.id,
      at: now(),
    }),
  );
  const secret = await linkSecret(store);
  return { artifact, uploadToken: sealLink(secret, { artifactId: artifact.id, purpose: 'upload', expiresAt: Date.now() + LINK_LIFETIME_MS }) };
}

/**
 * The artifact an upload link grants, or 404: checked before the body is read, so that
 * a caller without a valid link cannot make the server receive megabytes for nothing.
 */
export async function checkUploadLink(store: Store, token: string): Promise<number> {
  return openLink(await linkSecret(store), token, 'upload');
}

/**
 * Checks the link and spends it, before the body is read: one attempt per link, whatever
 * becomes of it (too large, empty, malformed, over quota), so a link cannot be
 * used to try again and again. A second attempt is refused as a used link is.
 */
export async function startUpload(store: Store, token: string): Promise<number> {
  const artifactId = await checkUploadLink(store, token);
  if (await store.artifacts.startUpload(artifactId, now())) return artifactId;
  // Gone: removed when its upload window closed (the link's own expiry says the same).
  if (!(await store.artifacts.findById(artifactId))) throw new NotFound('artifact link');
  throw linkUsed();
}

function linkUsed(): BadRequest {
  return BadRequest.notPermitted('file', 'the upload link has already been used');
}

export interface UploadLimits {
  /** Bytes of uploads one user may hold, attached or not; 0 = no quota. */
  quotaBytesPerUser: number;
  /** The largest file one upload may carry (ARTIFACT_MAX_BYTES). */
  maxBytes: number;
}

/**
 * Stores the bytes of the upload `startUpload` let in: any file of at most `maxBytes`,
 * within the uploader's quota (counted against who prepared the artifact). Its type is
 * the image its bytes are, else what the uploader declared, else read from its bytes
 * (domain/file-types.ts).
 */
export async function uploadArtifact(store: Store, artifactId: number, content: Uint8Array, limits: UploadLimits): Promise<void> {
  if (content.byteLength === 0) throw BadRequest.invalidField('file', 'the file is empty');
  if (content.byteLength > limits.maxBytes) throw fileTooLarge(limits.maxBytes);
  const artifact = await store.artifacts.findById(artifactId);
  if (!artifact) throw new NotFound('artifact link');
  const contentType = fileTypeOf(content, artifact.declaredType);
  const stored = await store.transaction(async (tx) => {
    if (limits.quotaBytesPerUser > 0) {
      const used = await tx.artifacts.bytesUploadedBy(artifact.createdBy.id);
      if (used + content.byteLength > limits.quotaBytesPerUser) throw overQuota(limits.quotaBytesPerUser, used);
    }
    // Bytes never change once written: a display picture someone sees is the one uploaded.
    return tx.artifacts.upload(artifactId, { contentType, content, at: now() });
  });
  if (!stored) throw linkUsed();
}

/** Also what a multipart upload answers the moment its file passes the limit (http/multipart.ts). */
export function fileTooLarge(limitBytes: number): BadRequest {
  return BadRequest.invalidField('file', `larger than ${limitBytes} bytes (ARTIFACT_MAX_BYTES)`);
}

/** Room is made by attaching fewer: what nothing shows is swept after a while. */
function overQuota(quotaBytes: number, usedBytes: number): BadRequest {
  return BadRequest.notPermitted('file', `over the storage quota of ${quotaBytes} bytes per user (${usedBytes} in use)`);
}

export async function getArtifact(store: Store, principal: Principal, id: string): Promise<Artifact> {
  const artifact = await findArtifactOf(store, principal, 'id', id);
  if (!(await mayRead(store, principal, artifact))) throw new NotFound('artifact', id);
  return artifact;
}

export interface Located {
  downloadToken: string;
  expiresAt: string;
}

export async function locateArtifact(store: Store, principal: Principal, id: string): Promise<Located> {
  const artifact = await getArtifact(store, principal, id);
  if (artifact.uploadedAt === null) throw BadRequest.notPermitted('id', 'the artifact has not been uploaded yet');
  const expiresAt = Date.now() + LINK_LIFETIME_MS;
  const downloadToken = sealLink(await linkSecret(store), { artifactId: artifact.id, purpose: 'download', expiresAt });
  return { downloadToken, expiresAt: new Date(expiresAt).toISOString() };
}

export interface Download {
  contentType: string;
  fileName: string;
  size: number;
  /** The bytes, or the inclusive `range` of them: a range is cut where they are kept. */
  read(range?: ByteRange): Promise<Buffer>;
}

export async function downloadArtifact(store: Store, token: string): Promise<Download> {
  const artifactId = openLink(await linkSecret(store), token, 'download');
  const file = await store.artifacts.readFile(artifactId);
  if (!file) throw new NotFound('artifact link');
  return {
    ...file,
    async read(range) {
      // Removed between the two reads (its message deleted): as gone as a bad link.
      const content = await store.artifacts.readContent(artifactId, range);
      if (!content) throw new NotFound('artifact link');
      return content;
    },
  };
}

/**
 * With `parent_id`, what is attached to that user or comment (a comment's files for its
 * readers only: 404 for anyone else, as for a comment that does not exist); without it,
 * the caller's own uploads.
 */
export async function listArtifacts(store: Store, principal: Principal, parentId?: string): Promise<Artifact[]> {
  if (parentId === undefined) return store.artifacts.listByCreator(principal.user.id, LIST_LIMIT);
  const ref = parseRefOf('parent_id', parentId, ['dev_user', 'rev_user', 'service_account', 'timeline_comment']);
  if (ref.kind === 'timeline_comment') {
    const entry = await readEntryFiles(store, principal, parentId);
    return store.artifacts.listByParent(principal.org.id, ENTRY_PARENT, entry.number, LIST_LIMIT);
  }
  const parent = refBelongsTo(ref, principal.org.slug)
    ? (await store.users.findByNumbers(principal.org.id, [{ type: ref.kind, number: ref.number }]))[0]
    : undefined;
  if (!parent) throw new NotFound(ref.kind.replace('_', ' '), parentId);
  return store.artifacts.listByParent(principal.org.id, parent.type, parent.number, LIST_LIMIT);
}

/**
 * Resolves `value` as a display picture for `user` and attaches it to them: the row id to
 * store, or null to clear. Call inside the transaction that updates the user.
 */
export async function attachDisplayPicture(store: Store, principal: Principal, user: User, value: string | null): Promise<number | null> {
  const artifact = value === null ? null : await findArtifactOf(store, principal, DISPLAY_PICTURE, value);
  const replaced = user.displayPicture;
  // The picture it replaces (or a clear) is attached to nothing from now: swept a day later.
  if (replaced !== null && replaced.number !== artifact?.number) await store.artifacts.detach(user.orgId, replaced.number, now());
  return artifact && attachTo(store, principal, user, artifact);
}

const DISPLAY_PICTURE = 'display_picture';

async function attachTo(store: Store, principal: Principal, user: User, artifact: Artifact): Promise<number> {
  const fieldName = DISPLAY_PICTURE;
  requireAttachable(principal, fieldName, { kind: user.type as ObjectKind, number: user.number }, artifact);
  // Files on messages may be anything; a picture everyone sees beside the user's name may not.
  if (artifact.fileType === null || !isInlineImage(artifact.fileType)) throw BadRequest.invalidField(fieldName, 'not a PNG, JPEG, GIF or WebP image');
  if ((artifact.size ?? 0) > MAX_DISPLAY_PICTURE_BYTES) throw BadRequest.invalidField(fieldName, `larger than ${MAX_DISPLAY_PICTURE_BYTES} bytes`);
  await attachArtifact(store, principal, fieldName, { kind: user.type as ObjectKind, number: user.number }, artifact);
  return artifact.id;
}

/**
 * A message's files are for whoever may read the message (and no one once it is deleted);
 * other attached artifacts (display pictures) for everyone in the organization; loose ones
 * only for who uploaded them and admins.
 */
async function mayRead(store: Store, principal: Principal, artifact: Artifact): Promise<boolean> {
  if (artifact.parent?.kind === ENTRY_PARENT) return mayReadEntryFiles(store, principal, artifact.parent.number);
  return artifact.parent !== null || artifact.createdBy.id === principal.user.id || principal.user.isAdmin;
}

/** The name kept is its safe form (domain/file-names.ts): it is shown to others and sent back in a header. */
function requireFileName(fileName: string): string {
  if (fileName.trim().length === 0) throw BadRequest.missingField('file_name');
  const safe = safeFileName(fileName);
  if (safe === '') throw BadRequest.invalidField('file_name', 'has no characters left once path separators and control characters are removed');
  return safe;
}
