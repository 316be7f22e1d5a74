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
  const info = checkRevInfo(request.revInfo);
  const revOrg = info.orgRef === undefined ? undefined : await provisionRevOrg(store, principal.org, info.orgRef, info.orgTraits);
  const customer = await provisionCustomer(store, principal.org, info.userRef, info.userTraits, revOrg);
  const expiresAt = new Date(Date.now() + expiresIn * 1000).toISOString();
  const { secret } = await issueToken(store, customer, expiresAt, { requestedTokenType: SESSION, createdBy: principal.user.id });
  return { accessToken: secret, expiresIn };
}

interface CheckedRevInfo {
  userRef: string;
  userTraits: UserTraits;
  orgRef?: string;
  orgTraits: OrgTraits;
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
  const [orgRefField, orgRef, orgTraits] =
    info.workspaceRef !== undefined
      ? (['rev_info.workspace_ref', info.workspaceRef, info.workspaceTraits] as const)
      : (['rev_info.account_ref', info.accountRef, info.accountTraits] as const);
  if (orgRef !== undefined) requireText(orgRefField, orgRef);
  return { userRef: info.userRef.trim(), userTraits, orgTraits: orgTraits ?? {}, ...(orgRef !== undefined && { orgRef: orgRef.trim() }) };
}

async function provisionRevOrg(store: Store, org: Org, externalRef: string, traits: OrgTraits): Promise<RevOrg> {
  const existing = await findRevOrg(store, org, externalRef);
  if (existing) return applyOrgTraits(store, existing, traits);
  try {
    return await store.transaction(async (tx) =>
      tx.revOrgs.insert({
        orgId: org.id,
        number: await tx.orgs.nextNumber(org.id, 'rev_org'),
        displayName: traits.displayName?.trim() ?? externalRef,
        externalRef,
        customFields: traits.customFields === undefined ? null : mergeCustomFields(null, traits.customFields),
        at: now(),
      }),
    );
  } catch (error) {
    // Another sign-in made it first: that one is the rev org.
    if (!(error instanceof UniqueViolation)) throw error;
    const made = await findRevOrg(store, org, externalRef);
    if (!made) throw error;
    return applyOrgTraits(store, made, traits);
  }
}

async function applyOrgTraits(store: Store, revOrg: RevOrg, traits: OrgTraits): Promise<RevOrg> {
  const displayName = traits.displayName?.trim();
  const customFields = traits.customFields && mergeCustomFields(revOrg.customFields, traits.customFields);
  const renamed = displayName !== undefined && displayName !== revOrg.displayName;
  const refielded = customFields !== undefined && JSON.stringify(customFields) !== JSON.stringify(revOrg.customFields);
  if (!renamed && !refielded) return revOrg;
  return store.revOrgs.update(revOrg.id, { ...(renamed && { displayName }), ...(refielded && { customFields }), at: now() });
}

async function provisionCustomer(store: Store, org: Org, externalRef: string, traits: UserTraits, revOrg: RevOrg | undefined): Promise<User> {
  const existing = await findCustomer(store, org, externalRef);
  if (existing) return applyUserTraits(store, existing, traits, revOrg);
  try {
    return await store.transaction((tx) =>
      insertRevUser(tx, org.id, {
        displayName: traits.displayName,
        email: traits.email,
        externalRef,
        revOrgId: revOrg?.id ?? null,
        phoneNumbers: traits.phoneNumbers,
        customFields: traits.customFields && mergeCustomFields(null, traits.customFields),
      }),
    );
  } catch (error) {
    if (!(error instanceof UniqueViolation)) throw error;
    // Another sign-in with the same reference made the customer first; otherwise the email is someone else's.
    const made = await findCustomer(store, org, externalRef);
    if (!made) throw new Conflict('another rev user already has this email');
    return applyUserTraits(store, made, traits, revOrg);
  }
}

async function applyUserTraits(store: Store, customer: User, traits: UserTraits, revOrg: RevOrg | undefined): Promise<User> {
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
  try {
    return await store.transaction(async (tx) => {
      const updated = await tx.users.update(customer.id, { ...changes, at: now() });
      await recordUserEvent(tx, 'rev_user_updated', updated, customer);
      return updated;
    });
  } catch (error) {
    if (error instanceof UniqueViolation) throw new Conflict('another rev user already has this email');
    throw error;
  }
}

async function findCustomer(store: Store, org: Org, externalRef: string): Promise<User | undefined> {
  const [user] = await store.users.list({ orgId: org.id, type: 'rev_user', externalRefs: [externalRef], afterNumber: 0, limit: 1 });
  return user;
}

async function findRevOrg(store: Store, org: Org, externalRef: string): Promise<RevOrg | undefined> {
  const [revOrg] = await store.revOrgs.list({ orgId: org.id, externalRefs: [externalRef], afterNumber: 0, limit: 1 });
  return revOrg;
}
