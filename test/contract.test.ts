import { describe, expect, it } from 'vitest';
import { assertMatchesContract, assertMatchesSchema } from './helpers/contract.js';

// The validator is what makes every other test's contract check mean something: it must
// reject what DevRev would never send.
describe('contract validator', () => {
  const user = { type: 'dev_user', id: 'don:identity:dvrv-us-1:devo/x:devu/1', display_id: 'DEVU-1', state: 'active' };
  const chat = {
    type: 'dm',
    id: 'don:core:dvrv-us-1:devo/x:chat/1',
    created_date: '2024-01-01T00:00:00.000Z',
    users: [user],
  };

  it('accepts a well-formed chats.get response', () => {
    expect(() => assertMatchesContract('/chats.get', 'GET', 200, { chat })).not.toThrow();
  });

  it('rejects a chat without users', () => {
    const { users: _users, ...withoutUsers } = chat;
    expect(() => assertMatchesContract('/chats.get', 'GET', 200, { chat: withoutUsers })).toThrow(/users/);
  });

  it('rejects a user summary with an unknown type or state', () => {
    expect(() => assertMatchesSchema('user-summary', { ...user, type: 'robot' })).toThrow();
    expect(() => assertMatchesSchema('user-summary', { ...user, state: 'sleeping' })).toThrow();
  });

  it('rejects a date without a valid date-time', () => {
    expect(() => assertMatchesContract('/chats.get', 'GET', 200, { chat: { ...chat, created_date: 'yesterday' } })).toThrow();
  });

  it('rejects error bodies that lack their sub-type fields', () => {
    expect(() => assertMatchesContract('/chats.get', 'GET', 400, { type: 'missing_required_field', message: 'x' })).toThrow(
      /field_name/,
    );
    expect(() => assertMatchesContract('/chats.get', 'GET', 400, { type: 'not_a_type', message: 'x' })).toThrow();
    expect(() => assertMatchesContract('/chats.get', 'GET', 401, { type: 'forbidden', message: 'x' })).toThrow();
    expect(() =>
      assertMatchesContract('/chats.get', 'GET', 400, { type: 'missing_required_field', field_name: 'id', message: 'x' }),
    ).not.toThrow();
  });

  it('rejects a success status the operation does not have', () => {
    expect(() => assertMatchesContract('/chats.create', 'POST', 200, { chat })).toThrow(/no 200/);
  });
});
