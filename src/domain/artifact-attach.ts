/**
 * Attaching an artifact to a parent (a user's display picture, a comment's files): the
 * checks every kind of parent shares, and the conditional UPDATE that lets one parent win.
 */
import type { Store } from '../store/index.js';
import { requireAdmin } from './policy/access.js';
import { BadRequest, NotFound } from './errors.js';
import { formatDon, parseRefOf, refBelongsTo, type ObjectKind } from './ids.js';
import { now, type Artifact, type Principal } from '../model/index.js';

export interface ArtifactParent {
  kind: ObjectKind;
  number: number;
}

/**
 * Whether `principal` may attach `artifact` to `parent`: it is theirs (or they are an admin),
 * it has its bytes, and it is attached to nothing else (`artifact_already_attached_to_a_parent`).
 */
export function requireAttachable(principal: Principal, fieldName: string, parent: ArtifactParent | undefined, artifact: Artifact): void {
  const existing = artifact.parent;
  const isSame = existing !== null && parent !== undefined && existing.kind === parent.kind && existing.number === parent.number;
  if (existing !== null && !isSame) throw alreadyAttached(principal, fieldName, existing);
  if (artifact.createdBy.id !== principal.user.id) requireAdmin(principal, 'use an artifact someone else uploaded');
  if (artifact.uploadedAt === null) throw BadRequest.notPermitted(fieldName, 'the artifact has not been uploaded yet');
}

/**
 * Attaches an artifact `requireAttachable` let through. The UPDATE re-checks the parent: a
 * concurrent attachment elsewhere makes this one lose. Call inside the parent's transaction.
 */
export async function attachArtifact(
  store: Store,
  principal: Principal,
  fieldName: string,
  parent: ArtifactParent,
  artifact: Pick<Artifact, 'id' | 'number'>,
  position: number | null = null,
): Promise<void> {
  if (await store.artifacts.attach(artifact.id, parent.kind, parent.number, now(), position)) return;
  const current = await store.artifacts.findById(artifact.id);
  // Swept between the read and the attach: it no longer exists, as for any other id.
  if (!current?.parent) throw new NotFound('artifact', formatDon('artifact', principal.org.slug, artifact.number));
  throw alreadyAttached(principal, fieldName, current.parent);
}

function alreadyAttached(principal: Principal, fieldName: string, parent: { kind: string; number: number }): BadRequest {
  return BadRequest.alreadyAttached(fieldName, formatDon(parent.kind as ObjectKind, principal.org.slug, parent.number), false);
}

export async function findArtifactOf(store: Store, principal: Principal, fieldName: string, value: string): Promise<Artifact> {
  const ref = parseRefOf(fieldName, value, ['artifact']);
  const artifact = refBelongsTo(ref, principal.org.slug) ? await store.artifacts.findByNumber(principal.org.id, ref.number) : undefined;
  if (!artifact) throw new NotFound('artifact', value);
  return artifact;
}

