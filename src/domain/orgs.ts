/** Setting up tenants and their people: used by the command line and first start. */
import { randomBytes } from 'node:crypto';
import type { Store } from '../store/index.js';
import { UniqueViolation } from '../store/index.js';
import { BadRequest, Conflict, NotFound } from './errors.js';
import { parseRefOf, refBelongsTo } from './ids.js';
import { issueToken } from './tokens.js';
import { now, USER_TYPES, type Org, type User, type UserType } from '../model/index.js';

export interface InitResult {
  org: Org;
  user: User;
  token: string;
  /** When the token expires: a year after it was made. */
  expiresAt: string | null;
}

/** A new organization with an active admin dev user and a token for that user. */
export async function initOrg(store: Store, name: string, email: string): Promise<InitResult> {
  requireText('org', name);
  requireEmail(email);
  const { org, user } = await store.transaction(async (tx) => {
    const org = await tx.orgs.insert(newOrgSlug(), name.trim(), now());
    const user = await insertUser(tx, org, { type: 'dev_user', email, displayName: displayNameOf(email), isAdmin: true });
    return { org, user };
  });
  const { secret, expiresAt } = await issueToken(store, user);
  return { org, user, token: secret, expiresAt };
}

export interface NewUserInput {
  type: UserType;
  email: string;
  displayName: string;
  fullName?: string;
  isAdmin?: boolean;
}

export async function createUser(store: Store, org: Org, input: NewUserInput): Promise<User> {
  if (!USER_TYPES.includes(input.type) || input.type === 'sys_user') {
    throw BadRequest.notPermitted('type', 'type must be dev_user, rev_user or service_account');
  }
  requireEmail(input.email);
  requireText('display_name', input.displayName);
  try {
    return await store.transaction((tx) => insertUser(tx, org, input));
  } catch (error) {
    if (error instanceof UniqueViolation) throw new Conflict(`a ${input.type} with email ${input.email} already exists`);
    throw error;
  }
}

/** Finds the organization a command means: the only one, or the one named by slug or name. */
export async function pickOrg(store: Store, ref: string | undefined): Promise<Org> {
  const orgs = ref === undefined ? await store.orgs.list() : await store.orgs.findBySlugOrName(ref);
  if (orgs.length === 0) {
    throw new NotFound('organization', ref ?? '(none exists yet: run `confab init --org NAME --email EMAIL`)');
  }
  if (orgs.length > 1) {
    throw BadRequest.invalidField('org', `several organizations match; name one with --org (${orgs.map((org) => org.slug).join(', ')})`);
  }
  return orgs[0]!;
}

/** Finds a user of any organization by DON, or by display id within `org`. */
export async function findUserByRef(store: Store, org: Org, ref: string): Promise<User> {
  const parsed = parseRefOf('user', ref, USER_TYPES);
  const user = refBelongsTo(parsed, org.slug)
    ? (await store.users.findByNumbers(org.id, [{ type: parsed.kind, number: parsed.number }]))[0]
    : undefined;
  if (!user) throw new NotFound('user', ref);
  return user;
}

async function insertUser(tx: Store, org: Org, input: NewUserInput): Promise<User> {
  return tx.users.insert({
    orgId: org.id,
    number: await tx.orgs.nextNumber(org.id, input.type),
    type: input.type,
    email: input.email.trim().toLowerCase(),
    displayName: input.displayName.trim(),
    fullName: input.fullName?.trim() || null,
    state: 'active',
    isAdmin: input.isAdmin ?? false,
    at: now(),
  });
}

/** Org slugs appear in every DON: random, so they reveal nothing and never collide in practice. */
export function newOrgSlug(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(10), (byte) => alphabet[byte % alphabet.length]).join('');
}

export function displayNameOf(email: string): string {
  return email.split('@')[0]!.trim();
}

export function requireText(fieldName: string, value: string): void {
  if (value.trim().length === 0) throw BadRequest.missingField(fieldName);
  if (value.length > 256) throw BadRequest.invalidField(fieldName, 'at most 256 characters');
}

export function requireEmail(email: string, fieldName = 'email'): void {
  if (!/^[^\s@]+@[^\s@]+$/.test(email.trim()) || email.length > 256) {
    throw BadRequest.invalidField(fieldName, `'${email}' is not an email address`);
  }
}
