/** The typed client and operations that answer 200 with no body (auth-tokens.delete, as on DevRev). */
import { describe, expect, it } from 'vitest';
import { ConfabClient } from '../src/client/index.js';
import { useServer } from './helpers/server.js';

const server = useServer();

describe('ConfabClient', () => {
  it('resolves an empty 200 answer as {}', async () => {
    const ada = await server.given.org();
    const client = new ConfabClient({ baseUrl: server.url, token: ada.token });
    const { access_token } = await client.call<{ access_token: string }>('auth-tokens.create', {
      requested_token_type: 'urn:devrev:params:oauth:token-type:pat',
    });
    const raw = await fetch(`${server.url}/auth-tokens.delete`, { method: 'POST', headers: { authorization: `Bearer ${access_token}` }, body: '{}' });
    expect(raw.status).toBe(200);
    expect(await raw.text()).toBe('');
    const { access_token: another } = await client.call<{ access_token: string }>('auth-tokens.create', {
      requested_token_type: 'urn:devrev:params:oauth:token-type:pat',
    });
    await expect(new ConfabClient({ baseUrl: server.url, token: another }).call('auth-tokens.delete', {})).resolves.toEqual({});
    const self = await fetch(`${server.url}/dev-users.self`, { headers: { authorization: `Bearer ${another}` } });
    expect(self.status).toBe(401);
  });
});
