/** For developers: what Confab holds, what it sends, and (in emulator mode) the controls. */
import { useConsole } from '../../context.js';
import { EmulatorPanel } from './EmulatorPanel.js';
import { EventFeed } from './EventFeed.js';
import { GroupsPanel } from './GroupsPanel.js';
import { HealthPanel } from './HealthPanel.js';
import { JournalPanel } from './JournalPanel.js';
import { TokensPanel } from './TokensPanel.js';
import { UsersPanel } from './UsersPanel.js';
import { WebhooksPanel } from './WebhooksPanel.js';
import './InspectPage.css';

const TABS = [
  { id: 'users', label: 'Users', panel: UsersPanel },
  { id: 'groups', label: 'Groups', panel: GroupsPanel },
  { id: 'tokens', label: 'Tokens', panel: TokensPanel },
  { id: 'webhooks', label: 'Webhooks', panel: WebhooksPanel },
  { id: 'events', label: 'Events', panel: EventFeed },
  { id: 'requests', label: 'Requests', panel: JournalPanel },
  { id: 'health', label: 'Health', panel: HealthPanel },
  { id: 'emulator', label: 'Emulator', panel: EmulatorPanel },
] as const;

export function InspectPage({ tab }: { tab?: string }) {
  const { features } = useConsole();
  const tabs = TABS.filter((candidate) => {
    if (candidate.id === 'emulator') return features.emulator || features.faults;
    // The journal is on in emulator mode, or with `serve --journal`.
    if (candidate.id === 'requests') return features.operations.has('confab.requests.list');
    return true;
  });
  const current = tabs.find((candidate) => candidate.id === tab) ?? tabs[0]!;
  const Panel = current.panel;
  return (
    <div class="inspect">
      <nav class="inspect-tabs" aria-label="Inspect">
        {tabs.map((candidate) => (
          <a key={candidate.id} href={`#/inspect/${candidate.id}`} aria-current={candidate.id === current.id ? 'page' : undefined}>
            {candidate.label}
          </a>
        ))}
      </nav>
      <main class="inspect-panel" aria-label={current.label}>
        <h2>{current.label}</h2>
        <Panel />
      </main>
    </div>
  );
}
