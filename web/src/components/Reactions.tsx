/**
 * A message's reactions: one button per emoji with its count (pressed when it is one's
 * own) and who reacted on hover or focus (reactions.list); the picker that adds one opens
 * from the message's toolbar.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { UserSummary } from '../../../src/client/index.js';
import type { TimelineEntry } from '../../../src/schema/timeline-entries.js';
import { useConsole } from '../context.js';
import { userName } from './names.js';
import './Reactions.css';

/** Code points as reactions.update takes them and the API answers them. */
const PICKER = [
  { emoji: '1f44d', name: 'thumbs up' },
  { emoji: '2764-fe0f', name: 'heart' },
  { emoji: '1f602', name: 'laughing' },
  { emoji: '1f389', name: 'party' },
  { emoji: '1f440', name: 'eyes' },
  { emoji: '1f64f', name: 'thanks' },
];

export function glyph(emoji: string): string {
  try {
    return String.fromCodePoint(...emoji.split('-').map((hex) => parseInt(hex, 16)));
  } catch {
    return emoji;
  }
}

interface Props {
  entry: TimelineEntry;
  onReact(entry: TimelineEntry, emoji: string, action: 'add' | 'remove'): Promise<void>;
}

export function Reactions({ entry, onReact }: Props) {
  const { client, report } = useConsole();
  const [who, setWho] = useState<Record<string, string>>({});
  const reactions = entry.reactions ?? [];

  const loadWho = (emoji: string) => {
    if (who[emoji] !== undefined) return;
    client
      .call<{ reactors: UserSummary[] }>('reactions.list', { object: entry.id, emoji, limit: 20 })
      .then(({ reactors }) => setWho((current) => ({ ...current, [emoji]: reactors.map((user) => userName(user)).join(', ') })), report);
  };

  // Who reacted is asked again once the counts change (here, by the picker or live).
  useEffect(() => setWho({}), [entry.reactions]);

  const shown = reactions.filter((reaction) => reaction.total_users > 0);
  if (shown.length === 0) return null;
  return (
    <div class="reactions">
      {shown.map((reaction) => (
          <button
            type="button"
            key={reaction.emoji}
            class="reaction"
            aria-pressed={reaction.reacted === true}
            aria-label={`${glyph(reaction.emoji)} ${reaction.total_users}${who[reaction.emoji] ? `: ${who[reaction.emoji]}` : ''}`}
            title={who[reaction.emoji]}
            onMouseEnter={() => loadWho(reaction.emoji)}
            onFocus={() => loadWho(reaction.emoji)}
            onClick={() => onReact(entry, reaction.emoji, reaction.reacted === true ? 'remove' : 'add').catch(report)}
          >
            {glyph(reaction.emoji)} {reaction.total_users}
          </button>
        ))}
    </div>
  );
}

/** The emoji to react with; picking one of one's own takes it back. */
export function ReactionPicker({ entry, onReact, onClose }: Props & { onClose(): void }) {
  const { report } = useConsole();
  const picker = useRef<HTMLDivElement>(null);
  // Opened from the toolbar: the keyboard goes to the first emoji, and back to the toolbar on Escape.
  useEffect(() => picker.current?.querySelector('button')?.focus(), []);
  return (
    <div
      ref={picker}
      class="reaction-picker"
      role="group"
      aria-label="Pick a reaction"
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        event.stopPropagation();
        event.currentTarget.closest('.message')?.querySelector<HTMLElement>('[aria-label="Add reaction"]')?.focus();
        onClose();
      }}
      // Focus gone elsewhere closes it; to the message's own toolbar, the toolbar decides.
      onFocusOut={(event) => {
        const to = event.relatedTarget as Element | null;
        if (!to || to.closest('.message') !== event.currentTarget.closest('.message')) onClose();
      }}
    >
      {PICKER.map(({ emoji, name }) => (
        <button
          type="button"
          key={emoji}
          aria-label={`React with ${name}`}
          onClick={() => {
            onClose();
            const mine = (entry.reactions ?? []).find((reaction) => reaction.emoji === emoji)?.reacted === true;
            onReact(entry, emoji, mine ? 'remove' : 'add').catch(report);
          }}
        >
          {glyph(emoji)}
        </button>
      ))}
    </div>
  );
}
