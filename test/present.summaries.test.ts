/**
 * User summaries are presented once per viewpoint (issue 23, item 7): a page shows the same
 * few people on every entry, and each is made once for whoever is looking.
 */
import { describe, expect, it } from 'vitest';
import { presentUserSummary } from '../src/present/users.js';
import type { User } from '../src/model/index.js';

const org = { id: 1, slug: 'acme', name: 'Acme', createdAt: '2026-01-01T00:00:00.000Z' };
const person = (type: User['type'], number: number): User => ({
  id: number, orgId: 1, type, number, email: `p${number}@example.com`, displayName: `p${number}`, fullName: null, state: 'active',
  isAdmin: false, externalRef: null, revOrg: null, displayPicture: null, phoneNumbers: [], customFields: null, createdAt: org.createdAt, modifiedAt: org.createdAt,
});

describe('user summaries', () => {
  it('are made once per viewpoint and user, and apart for another viewpoint', () => {
    const author = person('dev_user', 7);
    const staff = { org, user: person('dev_user', 1) };
    const customer = { org, user: person('rev_user', 2) };
    const first = presentUserSummary(author, staff);
    expect(presentUserSummary(author, staff)).toBe(first);
    expect(first.email).toBe('p7@example.com');
    const forCustomer = presentUserSummary(author, customer);
    expect(forCustomer).not.toBe(first);
    // What a customer may see is decided for the customer: no email of staff it was not introduced to.
    expect(forCustomer.email).toBeUndefined();
  });
});
