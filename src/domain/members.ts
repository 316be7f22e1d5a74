/** Resolving the people and groups a request names, with DevRev's errors for each failure. */
import type { Store } from '../store/index.js';
import { hiddenFrom } from './policy/customers.js';
import { BadRequest } from './errors.js';
import { parseRefOf, refBelongsTo, type ObjectRef } from './ids.js';
import { USER_TYPES, type Group, type Org, type User, type UserType } from '../model/index.js';

/** Thrown-away details of a failed lookup: which input did not resolve. */
export class Unresolved extends Error {
  constructor(readonly value: string) {
    super(`'${value}' does not exist in this organization`);
  }
}

/**
 * Resolves user ids (either form) to users of `org`, de-duplicated in the order given.
 * Throws `invalid_id` / `unexpected_id_type` for malformed input and `Unresolved` for ids
 * that name nobody in the org (a DON of another org included: tenants never see each other)
 * or, given the `viewer` asking, nobody they may learn exists (`hiddenFrom`).
 */
export async function resolveUsers(store: Store, org: Org, fieldName: string, values: readonly string[], viewer?: User): Promise<User[]> {
  const refs = values.map((value) => parseRefOf(fieldName, value, USER_TYPES));
  const foreign = refs.findIndex((ref) => !refBelongsTo(ref, org.slug));
  if (foreign >= 0) throw new Unresolved(values[foreign]!);
  const found = await store.users.findByNumbers(
    org.id,
    refs.map((ref) => ({ type: ref.kind as UserType, number: ref.number })),
  );
  const byRef = new Map(found.map((user) => [refKey(user.type, user.number), user]));
  const named = refs.map((ref, index) => {
    const user = byRef.get(refKey(ref.kind, ref.number));
    if (!user) throw new Unresolved(values[index]!);
    return user;
  });
  const hidden = viewer === undefined ? new Set<number>() : await hiddenFrom(store, viewer, named);
  const hiddenAt = named.findIndex((user) => hidden.has(user.id));
  if (hiddenAt >= 0) throw new Unresolved(values[hiddenAt]!);
  return [...new Map(named.map((user) => [user.id, user])).values()];
}

/** Like `resolveUsers`, for groups. */
export async function resolveGroups(store: Store, org: Org, fieldName: string, values: readonly string[]): Promise<Group[]> {
  const refs: ObjectRef[] = values.map((value) => parseRefOf(fieldName, value, ['group'] as const));
  const foreign = refs.findIndex((ref) => !refBelongsTo(ref, org.slug));
  if (foreign >= 0) throw new Unresolved(values[foreign]!);
  const found = await store.groups.findByNumbers(
    org.id,
    refs.map((ref) => ref.number),
  );
  const byNumber = new Map(found.map((group) => [group.number, group]));
  const groups: Group[] = [];
  refs.forEach((ref, index) => {
    const group = byNumber.get(ref.number);
    if (!group) throw new Unresolved(values[index]!);
    if (!groups.includes(group)) groups.push(group);
  });
  return groups;
}

/** For writes, a name that resolves to nobody (`viewer` may know of) is the request's fault: a 400 on the field. */
export function requireUsers(store: Store, org: Org, fieldName: string, values: readonly string[], viewer?: User): Promise<User[]> {
  return unresolvedIsInvalid(fieldName, () => resolveUsers(store, org, fieldName, values, viewer));
}

export function requireGroups(store: Store, org: Org, fieldName: string, values: readonly string[]): Promise<Group[]> {
  return unresolvedIsInvalid(fieldName, () => resolveGroups(store, org, fieldName, values));
}

async function unresolvedIsInvalid<T>(fieldName: string, resolve: () => Promise<T>): Promise<T> {
  try {
    return await resolve();
  } catch (error) {
    if (error instanceof Unresolved) throw BadRequest.invalidField(fieldName, error.message);
    throw error;
  }
}

/**
 * The canonical key of a member set: the same users in any order, named in any form,
 * give the same key. The default-DM unique index is on this key.
 */
export function memberKey(users: readonly User[]): string {
  return memberKeyOfIds(users.map((user) => user.id));
}

/** The same key from the users' row ids (an import has ids, not users). */
export function memberKeyOfIds(userIds: readonly number[]): string {
  return [...userIds].sort((a, b) => a - b).join(',');
}

function refKey(type: string, number: number): string {
  return `${type}:${number}`;
}
