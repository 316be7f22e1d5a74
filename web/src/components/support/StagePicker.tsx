/** Moves a conversation to another stage (the server refuses a transition DevRev does not allow). */
import { STAGES, stageLabel } from '../../conversations.js';

export function StagePicker({ stage, onChange }: { stage?: string; onChange(name: string): void }) {
  return (
    <div class="conversation-control">
      <label for="conversation-stage">Stage</label>
      <select id="conversation-stage" value={stage ?? ''} onChange={(event) => onChange(event.currentTarget.value)}>
        {stage === undefined && <option value="">—</option>}
        {stage !== undefined && !STAGES.includes(stage) && <option value={stage}>{stageLabel(stage)}</option>}
        {STAGES.map((name) => (
          <option key={name} value={name}>
            {stageLabel(name)}
          </option>
        ))}
      </select>
    </div>
  );
}
