/** Sign in with an API token. The token is kept in this tab's sessionStorage, nowhere else. */
import { useState } from 'preact/hooks';
import './SignIn.css';

export function SignIn({ reason, onSignIn }: { reason?: string; onSignIn(token: string): void }) {
  const [token, setToken] = useState('');
  return (
    <main class="sign-in">
      <form
        class="sign-in-card"
        onSubmit={(event) => {
          event.preventDefault();
          if (token.trim() !== '') onSignIn(token.trim());
        }}
      >
        <h1>Confab</h1>
        <p class="muted">Sign in with an API token: the one Confab's first start printed on its terminal (or wrote to <code>.confab/admin-token</code>), or one from <code>confab tokens create</code>.</p>
        {reason && (
          <p class="sign-in-reason" role="alert">
            {reason}
          </p>
        )}
        <label for="api-token">API token</label>
        <input
          id="api-token"
          type="password"
          autoComplete="off"
          spellcheck={false}
          value={token}
          onInput={(event) => setToken(event.currentTarget.value)}
          required
        />
        <button type="submit" class="primary">
          Sign in
        </button>
      </form>
    </main>
  );
}
