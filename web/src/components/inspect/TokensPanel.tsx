/** The caller's API tokens: create one (its secret is shown once, here), revoke one. */
import { useState } from 'preact/hooks';
import { useConsole } from '../../context.js';
import { useLoad } from './useLoad.js';

interface Token {
  id: string;
  display_id: string;
  status: string;
  token_hint?: string;
  issued_at: string;
  expires_at?: string;
}

export function TokensPanel() {
  const { client, report } = useConsole();
  const { value, reload } = useLoad(() => client.call<{ tokens: Token[] }>('auth-tokens.list', {}));
  const [hint, setHint] = useState('');
  const [created, setCreated] = useState<string | undefined>();

  const create = async (event: Event) => {
    event.preventDefault();
    try {
      const { access_token } = await client.call<{ access_token: string }>('auth-tokens.create', {
        requested_token_type: 'urn:devrev:params:oauth:token-type:pat',
        ...(hint && { token_hint: hint }),
      });
      setCreated(access_token);
      setHint('');
      await reload();
    } catch (error) {
      report(error);
    }
  };

  const revoke = async (token: Token) => {
    try {
      await client.call('auth-tokens.delete', { token_id: token.id });
      await reload();
    } catch (error) {
      report(error);
    }
  };

  return (
    <div>
      <form class="inline" onSubmit={create}>
        <label>
          Token name
          <input value={hint} onInput={(e) => setHint(e.currentTarget.value)} maxLength={256} />
        </label>
        <button type="submit" class="primary">
          Create token
        </button>
      </form>
      {created && (
        <div class="secret-once" role="status">
          <p>
            <strong>New token (shown only now: copy it):</strong>
          </p>
          <code data-testid="new-token">{created}</code>
          <p>
            <button type="button" onClick={() => setCreated(undefined)}>
              I have copied it
            </button>
          </p>
        </div>
      )}
      <div class="table-wrap">
        <table>
          <caption class="visually-hidden">Tokens</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Id</th>
              <th scope="col">Status</th>
              <th scope="col">Expires</th>
              <th scope="col">Revoke</th>
            </tr>
          </thead>
          <tbody>
            {(value?.tokens ?? []).map((token) => (
              <tr key={token.id}>
                <td>{token.token_hint ?? <span class="muted">unnamed</span>}</td>
                <td>
                  <code>{token.display_id}</code>
                </td>
                <td>{token.status}</td>
                <td>{token.expires_at ? new Date(token.expires_at).toLocaleString() : 'never'}</td>
                <td>
                  {token.status === 'active' && (
                    <button type="button" class="danger" onClick={() => void revoke(token)} aria-label={`Revoke ${token.display_id}`}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
