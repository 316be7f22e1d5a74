/** A green dot for someone online, a hollow one for someone offline; named for screen readers. */
import type { PresenceState } from '../hooks/usePresence.js';
import './PresenceDot.css';

export function PresenceDot({ state }: { state: PresenceState | undefined }) {
  if (state === undefined) return null;
  return <span class={`presence-dot ${state}`} role="img" aria-label={state} title={state} />;
}
