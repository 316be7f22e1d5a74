/**
 * Who the token belongs to. Staff (dev users, admins) are answered by `dev-users.self`;
 * a customer (a rev user, such as one signed in through Plug with a session token) is not a
 * dev user, and is answered by DevRev's `auth-tokens.info` where the server offers it.
 * A server without it still names the customer: `auth-tokens.list` of one's own tokens
 * carries one's id as their `subject`, and a customer may read themselves (`rev-users.get`).
 */
import { ConfabApiError, type ConfabClient, type UserSummary } from '../../src/client/index.js';
import type { Features } from './context.js';

/** The signed-in person, as the console needs them: staff, or a customer. */
export type Self = Pick<UserSummary, 'type' | 'id' | 'display_id' | 'display_name' | 'full_name' | 'email' | 'rev_org'>;

/** `features` is awaited only for a customer: staff are answered without waiting for it. */
export async function whoAmI(client: ConfabClient, features: Promise<Features>): Promise<Self> {
  try {
    return (await client.devUsers.self()).dev_user;
  } catch (error) {
    if (!(error instanceof ConfabApiError && error.status === 403)) throw error;
  }
  if ((await features).operations.has('auth-tokens.info')) {
    const { user } = await client.call<{ user: Self }>('auth-tokens.info', {});
    if (user.type !== 'rev_user') return user;
    return (await client.call<{ rev_user: Self }>('rev-users.get', { id: user.id })).rev_user;
  }
  const { tokens } = await client.call('auth-tokens.list', {});
  const subject = tokens[0]?.subject;
  if (subject === undefined) throw new Error('this token names no user');
  return (await client.call<{ rev_user: Self }>('rev-users.get', { id: subject })).rev_user;
}

/** Customers see the Support section only: their conversations with the organization's staff. */
export function isCustomer(self: Self): boolean {
  return self.type === 'rev_user';
}
