/** Live, or reconnecting (offline, the server restarting): the person knows which. */
import type { StreamStatus } from '../../../src/client/index.js';
import './ConnectionStatus.css';

const LABELS: Record<StreamStatus, string> = {
  connecting: 'connecting…',
  open: 'live',
  reconnecting: 'reconnecting…',
  closed: 'offline',
};

export function ConnectionStatus({ status }: { status: StreamStatus }) {
  return (
    <span class={`connection connection-${status}`} role="status" aria-live="polite">
      <span class="connection-dot" aria-hidden="true" />
      <span class="connection-label">{LABELS[status]}</span>
    </span>
  );
}
