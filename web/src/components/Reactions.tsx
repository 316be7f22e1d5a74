/**
 * A message's reactions: one button per emoji with its count (pressed when it is one's
 * own), who reacted on hover or focus (reactions.list), and a picker to add one.
 */
import { useState } from 'preact/hooks';
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
  const [picking, setPicking] = useState(false);
  const [who, setWho] = useState<Record<string, string>>({});
  const reactions = entry.reactions ?? [];

  const loadWho = (emoji: string) => {
    if (who[emoji] !== undefined) return;
    client
      .call<{ reactors: UserSummary[] }>('reactions.list', { object: entry.id, emoji, limit: 20 })
      .then(({ reactors }) => setWho((current) => ({ ...current, [emoji]: reactors.map((user) => userName(user)).join(', ') })), report);
  };

  const toggle = (emoji: string, reacted: boolean) => {
    setWho((current) => {
      const { [emoji]: _dropped, ...rest } = current;
      return rest;
    });
    onReact(entry, emoji, reacted ? 'remove' : 'add').catch(report);
  };

  return (
    <div class="reactions">
      {reactions
        .filter((reaction) => reaction.total_users > 0)
        .map((reaction) => (
          <button
            type="button"
            key={reaction.emoji}
            class="reaction"
            aria-pressed={reaction.reacted === true}
            aria-label={`${glyph(reaction.emoji)} ${reaction.total_users}${who[reaction.emoji] ? `: ${who[reaction.emoji]}` : ''}`}
            title={who[reaction.emoji]}
            onMouseEnter={() => loadWho(reaction.emoji)}
            onFocus={() => loadWho(reaction.emoji)}
            onClick={() => toggle(reaction.emoji, reaction.reacted === true)}
          >
            {glyph(reaction.emoji)} {reaction.total_users}
          </button>
        ))}
      <button type="button" class="reaction-add" aria-expanded={picking} onClick={() => setPicking(!picking)} aria-label="Add reaction">
        +☺
      </button>
      {picking && (
        <div class="reaction-picker" role="group" aria-label="Pick a reaction">
          {PICKER.map(({ emoji, name }) => (
            <button
              type="button"
              key={emoji}
              aria-label={`React with ${name}`}
              onClick={() => {
                setPicking(false);
                const mine = reactions.find((reaction) => reaction.emoji === emoji)?.reacted === true;
                toggle(emoji, mine);
              }}
            >
              {glyph(emoji)}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
