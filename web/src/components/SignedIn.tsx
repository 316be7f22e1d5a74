/** The console for one token: who it is, the live stream, errors, and its sections. */
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { ConsoleContext, type Console, type Features } from '../context.js';
import { readFeatures } from '../features.js';
import { useEventStream } from '../hooks/useEventStream.js';
import { useRoute } from '../hooks/useRoute.js';
import { whoAmI, type Self } from '../identity.js';
import { createClient, describeError, watchingFetchFor, type ShownError } from '../session.js';
import { ConnectionStatus } from './ConnectionStatus.js';
import { ErrorBanner } from './ErrorBanner.js';
import { SectionLinks, SectionPage } from './Sections.js';
import './SignedIn.css';

interface Props {
  token: string;
  onSwitch(token: string): void;
  onSignOut(reason?: string): void;
}

export function SignedIn({ token, onSwitch, onSignOut }: Props) {
  const unauthenticated = useCallback((reason: string) => onSignOut(`Signed out: ${reason}`), [onSignOut]);
  const fetch = useMemo(() => watchingFetchFor(unauthenticated), [token]);
  const client = useMemo(() => createClient(token, unauthenticated), [token]);
  const [self, setSelf] = useState<Self | undefined>();
  const [features, setFeatures] = useState<Features | undefined>();
  const [errors, setErrors] = useState<ShownError[]>([]);
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
    whoAmI(client, read).then(setSelf, report);
  }, [client]);

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
      <div class="shell">
        <header class="topbar">
          <span class="brand">Confab</span>
          <nav aria-label="Sections" class="sections">
            <SectionLinks self={value.self} route={route} />
          </nav>
          <ConnectionStatus status={events.status} />
          <span class="who" title={self!.email}>
            {self!.display_name ?? self!.email}
            {features!.emulator && <span class="badge">emulator</span>}
          </span>
          <button type="button" onClick={() => onSignOut('You signed out.')}>
            Sign out
          </button>
        </header>
        <ErrorBanner errors={errors} onDismiss={() => setErrors([])} />
        <SectionPage self={value.self} route={route} />
      </div>
    </ConsoleContext.Provider>
  );
}
