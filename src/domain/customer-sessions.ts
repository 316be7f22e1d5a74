/**
 * Plug's customer sign-in, DevRev's way: an application (a service account, or an admin)
 * calls `auth-tokens.create` with `rev_info`, and gets a short-lived session token for the
 * customer its `user_ref` names — the rev user with that `external_ref`, made on first
 * sight, in the rev org its `workspace_ref` or `account_ref` names, made likewise. Traits
 * given are applied on every sign-in, so the customer's name and email follow the
 * application's records.
 *
 * The same reference is always the same customer, concurrent first sign-ins included: the
 * unique index on (org, type, external_ref) lets one insert win, and the others read it.
 * A session token is the customer's own: revoking the application's token leaves it alone;
 * deleting or deactivating the customer ends it (`grantEnded` reads their state).
 */
import type { Store } from '../store/index.js';
import { UniqueViolation } from '../store/index.js';
import { requireApplication } from './policy/access.js';
import { checkCustomFields, mergeCustomFields } from './custom-fields.js';
import { BadRequest, Conflict } from './errors.js';
import { recordUserEvent } from './events.js';
import { requireEmail, requireText } from './orgs.js';
import { insertRevUser } from './rev-users.js';
import { issueToken } from './tokens.js';
import { now, type Org, type Principal, type RevOrg, type User } from '../model/index.js';
import type { UserChanges } from '../store/users.js';

export const SESSION = 'urn:devrev:params:oauth:token-type:session';

export interface UserTraits {
  displayName?: string;
  email?: string;
  phoneNumbers?: string[];
  customFields?: Record<string, unknown>;
}

export interface OrgTraits {
  displayName?: string;
  domains?: string[];
  customFields?: Record<string, unknown>;
}

export interface RevInfo {
  userRef?: string;
  accountRef?: string;
  workspaceRef?: string;
  userTraits?: UserTraits;
  accountTraits?: OrgTraits;
  workspaceTraits?: OrgTraits;
}

export interface SessionRequest {
  revInfo: RevInfo;
  expiresIn?: number;
}

/** E.164, as DevRev asks of phone numbers: a plus, then up to 15 digits. */
const PHONE_NUMBER = /^\+[1-9]\d{1,14}$/;
/** A bare domain (`devrev.ai`), as DevRev asks of account domains: no scheme, no `www.` needed. */
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export async function createSessionToken(
  store: Store,
  principal: Principal,
  request: SessionRequest,
  lifetimeSeconds: number,
): Promise<{ accessToken: string; expiresIn: number }> {
  requireApplication(principal, 'mint session tokens for customers');
  const expiresIn = request.expiresIn ?? lifetimeSeconds;
  if (expiresIn < 1 || expiresIn > lifetimeSeconds) {
    throw BadRequest.notPermitted('expires_in', `a session token lives from 1 to ${lifetimeSeconds} seconds`);
  }
  const customer = await provisionCustomer(store, principal.org, checkRevInfo(request.revInfo));
  const expiresAt = new Date(Date.now() + expiresIn * 1000).toISOString();
  const { secret } = await issueToken(store, customer, expiresAt, { requestedTokenType: SESSION, createdBy: principal.user.id });
  return { accessToken: secret, expiresIn };
}

interface CheckedRevInfo {
  userRef: string;
  userTraits: UserTraits;
  orgRef?: string;
  orgTraits: OrgTraits;
  /** Where the rev org's traits came from, for errors: `rev_info.workspace_traits` or `rev_info.account_traits`. */
  orgTraitsField: string;
}

/**
 * Confab has rev orgs, not DevRev's accounts and workspaces: the customer's rev org is the
 * workspace when one is named, else the account (README "Plug sign-in").
 */
function checkRevInfo(info: RevInfo): CheckedRevInfo {
  if (info.userRef === undefined) throw BadRequest.missingField('rev_info.user_ref');
  requireText('rev_info.user_ref', info.userRef);
  const userTraits = info.userTraits ?? {};
  if (userTraits.displayName !== undefined) requireText('rev_info.user_traits.display_name', userTraits.displayName);
  if (userTraits.email !== undefined) requireEmail(userTraits.email, 'rev_info.user_traits.email');
  userTraits.phoneNumbers?.forEach((phone, index) => {
    if (!PHONE_NUMBER.test(phone)) {
      throw BadRequest.invalidField(`rev_info.user_traits.phone_numbers[${index}]`, `'${phone}' is not an E.164 phone number like +14155550100`);
    }
  });
  if (userTraits.customFields !== undefined) checkCustomFields(userTraits.customFields, 'rev_info.user_traits.custom_fields');
  for (const [name, traits] of [['account_traits', info.accountTraits], ['workspace_traits', info.workspaceTraits]] as const) {
    if (traits?.displayName !== undefined) requireText(`rev_info.${name}.display_name`, traits.displayName);
    traits?.domains?.forEach((domain, index) => {
      if (!DOMAIN.test(domain)) throw BadRequest.invalidField(`rev_info.${name}.domains[${index}]`, `'${domain}' is not a domain like devrev.ai`);
    });
    if (traits?.customFields !== undefined) checkCustomFields(traits.customFields, `rev_info.${name}.custom_fields`);
  }
  const [kind, orgRef, orgTraits] =
    info.workspaceRef !== undefined ? (['workspace', info.workspaceRef, info.workspaceTraits] as const) : (['account', info.accountRef, info.accountTraits] as const);
  if (orgRef !== undefined) requireText(`rev_info.${kind}_ref`, orgRef);
  return {
    userRef: info.userRef.trim(),
    userTraits,
    orgTraits: orgTraits ?? {},
    orgTraitsField: `rev_info.${kind}_traits`,
    ...(orgRef !== undefined && { orgRef: orgRef.trim() }),
  };
}

/**
 * The customer, and their rev org, found or made in one transaction: a sign-in refused
 * half-way (a customer of another rev org, a taken email) leaves nothing behind. When a
 * concurrent first sign-in of the same references wins the insert, this one runs again and
 * finds what it made; a unique violation then is another customer's email.
 */
async function provisionCustomer(store: Store, org: Org, info: CheckedRevInfo): Promise<User> {
  const provision = () =>
    store.transaction(async (tx) => {
      const revOrg = info.orgRef === undefined ? undefined : await provisionRevOrg(tx, org, info.orgRef, info);
      const existing = await findCustomer(tx, org, info.userRef);
      if (existing) return applyUserTraits(tx, existing, info.userTraits, revOrg);
      const traits = info.userTraits;
      return insertRevUser(tx, org.id, {
        displayName: traits.displayName,
        email: traits.email,
        externalRef: info.userRef,
        revOrgId: revOrg?.id ?? null,
        phoneNumbers: traits.phoneNumbers,
        customFields: traits.customFields && mergeCustomFields(null, traits.customFields, 'rev_info.user_traits.custom_fields'),
      });
    });
  try {
    return await provision();
  } catch (error) {
    if (!(error instanceof UniqueViolation)) throw error;
  }
  try {
    return await provision();
  } catch (error) {
    if (error instanceof UniqueViolation) throw new Conflict('another rev user already has this email');
    throw error;
  }
}

async function provisionRevOrg(tx: Store, org: Org, externalRef: string, info: CheckedRevInfo): Promise<RevOrg> {
  const traits = info.orgTraits;
  const fieldName = `${info.orgTraitsField}.custom_fields`;
  const existing = await findRevOrg(tx, org, externalRef);
  if (!existing) {
    return tx.revOrgs.insert({
      orgId: org.id,
      number: await tx.orgs.nextNumber(org.id, 'rev_org'),
      displayName: traits.displayName?.trim() ?? externalRef,
      externalRef,
      customFields: traits.customFields && mergeCustomFields(null, traits.customFields, fieldName),
      at: now(),
    });
  }
  const displayName = traits.displayName?.trim();
  const customFields = traits.customFields && mergeCustomFields(existing.customFields, traits.customFields, fieldName);
  const renamed = displayName !== undefined && displayName !== existing.displayName;
  const refielded = customFields !== undefined && JSON.stringify(customFields) !== JSON.stringify(existing.customFields);
  if (!renamed && !refielded) return existing;
  return tx.revOrgs.update(existing.id, { ...(renamed && { displayName }), ...(refielded && { customFields }), at: now() });
}

async function applyUserTraits(tx: Store, customer: User, traits: UserTraits, revOrg: RevOrg | undefined): Promise<User> {
  if (customer.state !== 'active') throw BadRequest.notPermitted('rev_info.user_ref', `the customer is ${customer.state}`);
  if (revOrg && customer.revOrg !== null && customer.revOrg.number !== revOrg.number) {
    throw BadRequest.notPermitted('rev_info', 'the customer belongs to another rev org');
  }
  const changes: Omit<UserChanges, 'at'> = {};
  const displayName = traits.displayName?.trim();
  if (displayName !== undefined && displayName !== customer.displayName) changes.displayName = displayName;
  const email = traits.email?.trim().toLowerCase();
  if (email !== undefined && email !== customer.email) changes.email = email;
  if (traits.phoneNumbers !== undefined && traits.phoneNumbers.join() !== customer.phoneNumbers.join()) changes.phoneNumbers = traits.phoneNumbers;
  const customFields = traits.customFields && mergeCustomFields(customer.customFields, traits.customFields, 'rev_info.user_traits.custom_fields');
  if (customFields !== undefined && JSON.stringify(customFields) !== JSON.stringify(customer.customFields)) changes.customFields = customFields;
  if (revOrg && customer.revOrg === null) changes.revOrgId = revOrg.id;
  if (Object.keys(changes).length === 0) return customer;
  const updated = await tx.users.update(customer.id, { ...changes, at: now() });
  await recordUserEvent(tx, 'rev_user_updated', updated, customer);
  return updated;
}

async function findCustomer(store: Store, org: Org, externalRef: string): Promise<User | undefined> {
  const [user] = await store.users.list({ orgId: org.id, type: 'rev_user', externalRefs: [externalRef], afterNumber: 0, limit: 1 });
  return user;
}

async function findRevOrg(store: Store, org: Org, externalRef: string): Promise<RevOrg | undefined> {
  const [revOrg] = await store.revOrgs.list({ orgId: org.id, externalRefs: [externalRef], afterNumber: 0, limit: 1 });
  return revOrg;
}
