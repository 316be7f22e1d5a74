/** rev-orgs.*: the customer organizations an org's rev users belong to. */
import type { Store } from '../store/index.js';
import { UniqueViolation } from '../store/index.js';
import { requireAdmin, requireNotCustomer } from './policy/access.js';
import { readPage, type Page } from './list-cursors.js';
import { BadRequest, Conflict, NotFound } from './errors.js';
import { parseRefOf, refBelongsTo } from './ids.js';
import { now, type Principal, type RevOrg } from '../model/index.js';
import { requireText } from './orgs.js';

export async function createRevOrg(
  store: Store,
  principal: Principal,
  input: { displayName: string; externalRef?: string },
): Promise<RevOrg> {
  requireAdmin(principal, 'create rev orgs');
  requireText('display_name', input.displayName);
  if (input.externalRef !== undefined) requireText('external_ref', input.externalRef);
  const org = principal.org;
  return uniqueRef(input.externalRef, () =>
    store.transaction(async (tx) =>
      tx.revOrgs.insert({
        orgId: org.id,
        number: await tx.orgs.nextNumber(org.id, 'rev_org'),
        displayName: input.displayName.trim(),
        externalRef: input.externalRef?.trim() ?? null,
        at: now(),
      }),
    ),
  );
}

export async function getRevOrg(store: Store, principal: Principal, id: string, fieldName = 'id'): Promise<RevOrg> {
  const ref = parseRefOf(fieldName, id, ['rev_org'] as const);
  const revOrg = refBelongsTo(ref, principal.org.slug) ? await store.revOrgs.findByNumber(principal.org.id, ref.number) : undefined;
  if (!revOrg) throw new NotFound('rev org', id);
  if (principal.user.revOrg?.number !== revOrg.number) requireNotCustomer(principal, 'read other rev orgs');
  return revOrg;
}

export function listRevOrgs(
  store: Store,
  principal: Principal,
  filter: { cursor?: string; limit?: number; externalRef?: string[]; displayName?: string[] },
): Promise<Page<RevOrg>> {
  requireNotCustomer(principal, 'list rev orgs');
  const org = principal.org;
  return readPage(
    store,
    `${org.slug}:rev-orgs`,
    filter.limit,
    filter.cursor,
    (afterNumber, limit) =>
      store.revOrgs.list({ orgId: org.id, externalRefs: filter.externalRef, displayNames: filter.displayName, afterNumber, limit }),
    (revOrg) => revOrg.number,
  );
}

export async function updateRevOrg(
  store: Store,
  principal: Principal,
  id: string,
  changes: { displayName?: string; externalRef?: string },
): Promise<RevOrg> {
  const revOrg = await getRevOrg(store, principal, id);
  requireAdmin(principal, 'change rev orgs');
  if (changes.displayName !== undefined) requireText('display_name', changes.displayName);
  if (changes.externalRef !== undefined) requireText('external_ref', changes.externalRef);
  return uniqueRef(changes.externalRef, () =>
    store.revOrgs.update(revOrg.id, { displayName: changes.displayName?.trim(), externalRef: changes.externalRef?.trim(), at: now() }),
  );
}

export async function deleteRevOrg(store: Store, principal: Principal, id: string): Promise<void> {
  const revOrg = await getRevOrg(store, principal, id);
  requireAdmin(principal, 'delete rev orgs');
  // Rev users name their rev org in every chat they are in; it stays while any of them does.
  if (await store.revOrgs.hasUsers(revOrg.id)) throw BadRequest.notPermitted('id', 'the rev org still has rev users');
  await store.revOrgs.delete(revOrg.id);
}

async function uniqueRef<T>(externalRef: string | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof UniqueViolation) throw new Conflict(`external_ref '${externalRef?.trim()}' is already taken`);
    throw error;
  }
}
