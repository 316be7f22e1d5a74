/** The console for one token: who it is, the live stream, errors, and its sections. */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ConsoleContext, type Console, type Features } from '../context.js';
import { readFeatures } from '../features.js';
import { useEventStream } from '../hooks/useEventStream.js';
import { useRoute } from '../hooks/useRoute.js';
import { whoAmI, type Self } from '../identity.js';
import { createClient, describeError, watchingFetchFor, type ShownError } from '../session.js';
import { ErrorBanner } from './ErrorBanner.js';
import { Shell } from './Shell.js';
import './SignedIn.css';

interface Props {
  token: string;
  onSwitch(token: string): void;
  onSignOut(reason?: string): void;
}

export function SignedIn({ token, onSwitch, onSignOut }: Props) {
  // A token refused before it ever worked was never signed in: that is not "Signed out".
  const signedIn = useRef(false);
  const unauthenticated = useCallback(
    (reason: string) => onSignOut(signedIn.current ? `Signed out: ${reason}` : `That token was not accepted: ${reason}. Check that you pasted all of it.`),
    [onSignOut],
  );
  const [errors, setErrors] = useState<ShownError[]>([]);
  // A call that succeeds takes away the errors of its earlier tries.
  const answered = useCallback(
    (operation: string) => setErrors((current) => (current.some((error) => error.operation === operation) ? current.filter((error) => error.operation !== operation) : current)),
    [],
  );
  const fetch = useMemo(() => watchingFetchFor(unauthenticated), [token]);
  const client = useMemo(() => createClient(token, unauthenticated, answered), [token]);
  const [self, setSelf] = useState<Self | undefined>();
  const [features, setFeatures] = useState<Features | undefined>();
  const route = useRoute();

  const report = useCallback((error: unknown) => {
    const shown = describeError(error);
    // A 401 has already ended the session, with its reason on the sign-in page.
    if (shown.type === 'unauthenticated') return;
    setErrors((current) => [...current.slice(-2), shown]);
  }, []);
  const events = useEventStream(token, fetch, report);

  useEffect(() => {
    const read = readFeatures();
    void read.then(setFeatures);
    whoAmI(client, read).then((who) => {
      signedIn.current = true;
      setSelf(who);
    }, report);
  }, [client]);

  // Errors belong to where they happened: going elsewhere clears them.
  useEffect(() => setErrors([]), [route.section, route.tab, route.chatId, route.conversationId]);

  const value: Console | undefined = useMemo(
    () =>
      self && features
        ? { client, self, events, features, report, switchToken: onSwitch, signOut: onSignOut }
        : undefined,
    [client, self, events, features],
  );

  if (!value) {
    return (
      <main class="loading">
        <ErrorBanner errors={errors} onDismiss={() => setErrors([])} />
        <p role="status">Signing in…</p>
      </main>
    );
  }

  return (
    <ConsoleContext.Provider value={value}>
      <Shell route={route} errors={errors} onDismiss={() => setErrors([])} />
    </ConsoleContext.Provider>
  );
}
