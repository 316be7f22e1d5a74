import { describe, expect, it } from 'vitest';
import { MAX_LIVE_TOKENS_PER_USER } from '../src/domain/auth-tokens.js';
import { issueToken } from '../src/domain/tokens.js';
import { useServer } from './helpers/server.js';

const t = useServer({ rateLimitRead: 0, rateLimitWrite: 2 });

const PAT = 'urn:devrev:params:oauth:token-type:pat';

describe('limits per user, not per token', () => {
  it('a fresh token of the same user buys no more writes', async () => {
    const ada = await t.given.user(await t.given.org());
    const write = (token: string) =>
      t.client(`Bearer ${token}`).post('/chats.create', { type: 'dm', users: [ada.id], is_default: false });
    expect((await write(ada.token)).status).toBe(201);
    expect((await write(ada.token)).status).toBe(201);
    expect((await write(ada.token)).status).toBe(429);
    const { secret } = await issueToken(t.server.store, ada.user);
    const refused = await write(secret);
    expect(refused.status).toBe(429);
    expect(refused.body.type).toBe('too_many_requests');
  });

  it('a user holds at most MAX_LIVE_TOKENS_PER_USER live tokens', async () => {
    const bob = await t.given.user(await t.given.org());
    // given.user made one; fill up to the cap behind the API's back.
    for (let i = 1; i < MAX_LIVE_TOKENS_PER_USER; i++) await issueToken(t.server.store, bob.user);
    const snapshot = await t.snapshot();
    const refused = await t.as(bob).post('/auth-tokens.create', { requested_token_type: PAT });
    expect(refused.status).toBe(400);
    expect(refused.body.type).toBe('value_not_permitted');
    expect(await t.snapshot()).toBe(snapshot);

    // Revoking one frees a place.
    expect((await t.as(bob).post('/auth-tokens.delete', {})).status).toBe(200);
  });
});
