/**
 * The caller's API tokens: create one (its secret is shown once, here), revoke one — after
 * saying what that does, the more plainly for the token this window is signed in with.
 */
import { useState } from 'preact/hooks';
import { useConsole } from '../../context.js';
import { ConfirmDialog } from '../Modal.js';
import { useLoad } from './useLoad.js';

interface Token {
  id: string;
  display_id: string;
  status: string;
  token_hint?: string;
  issued_at: string;
  created_date: string;
  expires_at?: string;
}

export function TokensPanel() {
  const { client, report } = useConsole();
  const { value, reload } = useLoad(() => client.call<{ tokens: Token[] }>('auth-tokens.list', {}));
  const current = useLoad(() => client.call<{ token: Token }>('auth-tokens.current', {})).value?.token;
  const [hint, setHint] = useState('');
  const [created, setCreated] = useState<string | undefined>();
  const [confirming, setConfirming] = useState<Token | undefined>();

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
    setConfirming(undefined);
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
      <div class="table-wrap" tabIndex={0}>
        <table>
          <caption class="visually-hidden">Tokens</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Id</th>
              <th scope="col">Created</th>
              <th scope="col">Status</th>
              <th scope="col">Expires</th>
              <th scope="col">Revoke</th>
            </tr>
          </thead>
          <tbody>
            {(value?.tokens ?? []).map((token) => (
              <tr key={token.id} class={token.id === current?.id ? 'this-session' : undefined}>
                <td>
                  {token.token_hint ?? <span class="muted">no name</span>}
                  {token.id === current?.id && <span class="badge session-badge">this session</span>}
                </td>
                <td>
                  <code class="id">{token.display_id}</code>
                </td>
                <td>
                  <time dateTime={token.created_date}>{new Date(token.created_date).toLocaleString()}</time>
                </td>
                <td>{token.status}</td>
                <td>{token.expires_at ? new Date(token.expires_at).toLocaleString() : 'never'}</td>
                <td>
                  {token.status === 'active' && (
                    <button type="button" class="danger" onClick={() => setConfirming(token)} aria-label={`Revoke ${token.display_id}`}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {confirming && (
        <ConfirmDialog
          title={`Revoke ${confirming.token_hint ? `“${confirming.token_hint}”` : confirming.display_id}?`}
          confirm={confirming.id === current?.id ? 'Revoke and sign out' : 'Revoke token'}
          onConfirm={() => void revoke(confirming)}
          onClose={() => setConfirming(undefined)}
        >
          {confirming.id === current?.id ? (
            <p>
              <strong>This is the token this window is signed in with.</strong> Revoking it signs you out here at once, and you
              will need another token to sign in again.
            </p>
          ) : (
            <p>Whatever uses it — a script, another window — gets 401 from its next request. This cannot be undone.</p>
          )}
        </ConfirmDialog>
      )}
    </div>
  );
}
