/** Signed out: the sign-in form. Signed in: the console, for as long as the token is good. */
import { useState } from 'preact/hooks';
import { SignIn } from './components/SignIn.js';
import { SignedIn } from './components/SignedIn.js';
import { storedToken, storeToken } from './session.js';

export function App() {
  const [token, setToken] = useState(storedToken());
  const [reason, setReason] = useState<string | undefined>();

  if (token === undefined) {
    return (
      <SignIn
        reason={reason}
        onSignIn={(value) => {
          storeToken(value);
          setReason(undefined);
          setToken(value);
        }}
      />
    );
  }
  return (
    <SignedIn
      key={token}
      token={token}
      onSwitch={(value) => {
        storeToken(value);
        setToken(value);
      }}
      onSignOut={(why) => {
        storeToken(undefined);
        setReason(why);
        setToken(undefined);
      }}
    />
  );
}
