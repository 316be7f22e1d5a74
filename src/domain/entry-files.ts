/**
 * Files on messages (issue 26): `artifacts` on `timeline-entries.create` and `{add, remove,
 * set}` on `.update`. A comment's files are artifacts whose parent is the comment, in the
 * order its author gave; each must be the caller's upload (or the caller an admin), have
 * its bytes, and be attached to nothing else. A file taken off a message is attached to
 * nothing from then on, and the sweep collects it a while later (realtime/artifact-sweep.ts).
 */
import type { Store } from '../store/index.js';
import { attachArtifact, findArtifactOf, requireAttachable, type ArtifactParent } from './artifact-attach.js';
import { BadRequest } from './errors.js';
import { parseRefOf, refBelongsTo } from './ids.js';
import type { Artifact, Principal, TimelineEntry } from '../model/index.js';

/** DevRev's limit: `artifacts` and `artifacts.set` take at most 50 (`add` and `remove` 10 at a time). */
export const MAX_ENTRY_ARTIFACTS = 50;

const FIELD = 'artifacts';

export interface ArtifactsChange {
  add?: string[];
  remove?: string[];
  set?: string[];
}

/** The artifacts `refs` name, each once, in the order given, checked as attachable to `parent` (or a new entry). */
export async function resolveEntryFiles(store: Store, principal: Principal, refs: readonly string[], parent?: ArtifactParent): Promise<Artifact[]> {
  const files = new Map<number, Artifact>();
  for (const ref of refs) {
    const artifact = await findArtifactOf(store, principal, FIELD, ref);
    requireAttachable(principal, FIELD, parent, artifact);
    if (!files.has(artifact.number)) files.set(artifact.number, artifact);
  }
  if (files.size > MAX_ENTRY_ARTIFACTS) throw tooMany();
  return [...files.values()];
}

/** Attaches checked files to the comment `entryNumber`, in order. Call inside the entry's transaction. */
export async function attachEntryFiles(store: Store, principal: Principal, entryNumber: number, files: readonly Pick<Artifact, 'id' | 'number'>[]): Promise<void> {
  const parent = entryParent(entryNumber);
  for (const [position, file] of files.entries()) await attachArtifact(store, principal, FIELD, parent, file, position);
}

/**
 * Applies `change` to the files of `entry`: `set` replaces them; otherwise `remove` takes
 * off those it names (others are ignored) and `add` appends those not there yet. Answers
 * the file count after, or undefined when nothing changed. Call inside the entry's transaction.
 */
export async function changeEntryFiles(store: Store, principal: Principal, entry: TimelineEntry, change: ArtifactsChange, at: string): Promise<number | undefined> {
  if (change.set !== undefined && (change.add !== undefined || change.remove !== undefined)) {
    throw BadRequest.notPermitted(FIELD, 'artifacts.set replaces every file: send it alone, or add and remove');
  }
  const parent = entryParent(entry.number);
  const current = entry.artifacts.map((file) => file.number);
  let wanted: number[];
  const resolved = new Map<number, Pick<Artifact, 'id' | 'number'>>();
  if (change.set !== undefined) {
    const files = await resolveEntryFiles(store, principal, change.set, parent);
    for (const file of files) resolved.set(file.number, file);
    wanted = files.map((file) => file.number);
  } else {
    const removed = new Set((change.remove ?? []).flatMap((ref) => numberInOrg(principal, ref)));
    const added = await resolveEntryFiles(store, principal, change.add ?? [], parent);
    for (const file of added) resolved.set(file.number, file);
    wanted = [...current.filter((number) => !removed.has(number)), ...added.map((file) => file.number).filter((number) => !current.includes(number))];
  }
  if (wanted.length > MAX_ENTRY_ARTIFACTS) throw tooMany();
  if (wanted.length === current.length && wanted.every((number, index) => number === current[index])) return undefined;
  // Let go of what the message no longer shows: the sweep removes it a while from now.
  for (const number of current) if (!wanted.includes(number)) await store.artifacts.detach(entry.orgId, number, at);
  const files: Pick<Artifact, 'id' | 'number'>[] = [];
  for (const number of wanted) files.push(resolved.get(number) ?? (await store.artifacts.findByNumber(entry.orgId, number))!);
  await attachEntryFiles(store, principal, entry.number, files);
  return wanted.length;
}

export function entryParent(entryNumber: number): ArtifactParent {
  return { kind: 'timeline_comment', number: entryNumber };
}

/** A ref to remove: one that names no artifact of this organization removes nothing. */
function numberInOrg(principal: Principal, ref: string): number[] {
  const parsed = parseRefOf(FIELD, ref, ['artifact']);
  return refBelongsTo(parsed, principal.org.slug) ? [parsed.number] : [];
}

function tooMany(): BadRequest {
  return BadRequest.notPermitted(FIELD, `a message has at most ${MAX_ENTRY_ARTIFACTS} files`);
}
