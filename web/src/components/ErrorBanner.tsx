/** Failed calls, as the server said: DevRev's `type` and `message`, and a 429's countdown. */
import { useEffect, useState } from 'preact/hooks';
import type { ShownError } from '../session.js';
import './ErrorBanner.css';

export function ErrorBanner({ errors, onDismiss }: { errors: ShownError[]; onDismiss(): void }) {
  const [now, setNow] = useState(Date.now());
  const counting = errors.some((error) => error.retryAt !== undefined && error.retryAt > now);
  useEffect(() => {
    if (!counting) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [counting]);
  if (errors.length === 0) return null;
  return (
    <div class="error-banner" role="alert">
      <ul>
        {errors.map((error, index) => (
          <li key={index}>
            <strong class="error-type">{error.type}</strong>
            {error.operation && <span class="muted"> ({error.operation})</span>}: {error.message}
            {error.retryAt !== undefined && (
              <span class="error-retry">
                {error.retryAt > now ? ` — retry in ${Math.ceil((error.retryAt - now) / 1000)} s` : ' — you can retry now'}
              </span>
            )}
          </li>
        ))}
      </ul>
      <button type="button" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
