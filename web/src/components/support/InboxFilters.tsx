/** The inbox's views (all, mine, unassigned) and its stage filter. */
import type { InboxFilter, InboxView } from '../../hooks/useConversations.js';
import { STAGES, stageLabel } from '../../conversations.js';

const VIEWS: [InboxView, string][] = [
  ['all', 'All'],
  ['mine', 'Mine'],
  ['unassigned', 'Unassigned'],
];

export function InboxFilters({ filter, onChange }: { filter: InboxFilter; onChange(filter: InboxFilter): void }) {
  return (
    <div class="inbox-filters">
      <div class="inbox-views" role="group" aria-label="View">
        {VIEWS.map(([view, name]) => (
          <button key={view} type="button" aria-pressed={filter.view === view} onClick={() => onChange({ ...filter, view })}>
            {name}
          </button>
        ))}
      </div>
      <div class="inbox-stage">
        <label for="inbox-stage">
          Stage<span class="visually-hidden"> filter</span>
        </label>
        <select id="inbox-stage" value={filter.stage} onChange={(event) => onChange({ ...filter, stage: event.currentTarget.value })}>
          <option value="open">Open (not resolved)</option>
          {STAGES.map((stage) => (
            <option key={stage} value={stage}>
              {stageLabel(stage)}
            </option>
          ))}
          <option value="any">Any stage</option>
        </select>
      </div>
    </div>
  );
}
