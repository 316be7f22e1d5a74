/**
 * What the appliers of an import share: where a run is written, and how the references a
 * record makes (users, chats, …) become this database's row ids.
 */
import { USER_TYPES, type UserType } from '../model/index.js';
import { UniqueViolation, type Store } from '../store/index.js';
import { userKeyText } from '../store/import-lookups.js';
import type { Selection, UserKey } from '../store/portable.js';
import { ImportConflict, ImportError } from './errors.js';
import { numberOf, userKeyOf } from './records.js';

export interface Item<R> {
  line: number;
  record: R;
}

/** Where a run is written: its transaction and organization. */
export interface Target {
  tx: Store;
  orgId: number;
  slug: string;
}

export function numbers(list: readonly { id: string }[]): Selection {
  return { numbers: list.map((record) => numberOf(record.id)) };
}

export function byType(keys: readonly UserKey[]): [UserType, UserKey[]][] {
  return USER_TYPES.map((type): [UserType, UserKey[]] => [type, keys.filter((key) => key.type === type)]).filter(([, list]) => list.length > 0);
}

/** Resolves references of a run to row ids; one that is nowhere stops the import at its line. */
export type Lookup = (line: number, ref: string) => number;

export async function lookup<K>(
  target: Target,
  label: string,
  refs: readonly string[],
  fetch: (refs: string[]) => Promise<Map<K, number>>,
  keyOf: (ref: string) => K,
): Promise<Lookup> {
  const ids = await fetch([...new Set(refs)]);
  return (line, ref) => {
    const id = ids.get(keyOf(ref));
    if (id === undefined) throw new ImportError(line, `${label} ${ref} of organization ${target.slug} is neither earlier in the file nor in the database`);
    return id;
  };
}

export const userLookup = (target: Target, refs: readonly string[]) =>
  lookup(target, 'user', refs, (list) => target.tx.importLookups.userIds(target.orgId, list.map(userKeyOf)), (ref) => userKeyText(userKeyOf(ref)));
export const groupLookup = (target: Target, refs: readonly string[]) =>
  lookup(target, 'group', refs, (list) => target.tx.importLookups.groupIds(target.orgId, list.map(numberOf)), numberOf);
export const chatLookup = (target: Target, refs: readonly string[]) =>
  lookup(target, 'chat', refs, (list) => target.tx.importLookups.chatIds(target.orgId, list.map(numberOf)), numberOf);

/** New objects made after the import continue past the numbers it wrote. */
export async function advance(tx: Store, orgId: number, kind: string, written: readonly number[]): Promise<void> {
  if (written.length > 0) await tx.orgs.advanceNumberPast(orgId, kind, written.reduce((max, number) => Math.max(max, number)));
}

/** A unique constraint other than the key (an email, a name) taken by another object: a conflict at this line. */
export async function unique(line: number, problem: string, write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (error instanceof UniqueViolation) throw new ImportConflict(line, problem);
    throw error;
  }
}
