/**
 * Emoji as reactions take them: a short name (`joy`, `+1`, `:tada:`) or a code point
 * (`1f602`, `1F44D-1F3FB`), stored and answered as the lowercase code point, as DevRev's
 * `timeline-reaction.emoji` is. Names and code points come from `emoji-datasource`
 * (Slack's short names, kept up to date with Unicode), not from a table of our own.
 */
import { createRequire } from 'node:module';
import { BadRequest } from './errors.js';

interface EmojiData {
  unified: string;
  non_qualified: string | null;
  short_names: string[];
  skin_variations?: Record<string, { unified: string; non_qualified: string | null }>;
}

/** Longer than any name or code point sequence in the data; bounds the work on hostile input. */
const MAX_EMOJI_LENGTH = 100;

let tables: { byName: Map<string, string>; codePoints: Map<string, string> } | undefined;

/** Loaded on first use: 1.3 MB of JSON a server that never sees a reaction need not parse. */
function emojiTables() {
  if (tables) return tables;
  const data = createRequire(import.meta.url)('emoji-datasource/emoji.json') as EmojiData[];
  const byName = new Map<string, string>();
  // Every accepted spelling of a code point sequence → the one it is stored as.
  const codePoints = new Map<string, string>();
  for (const emoji of data) {
    const canonical = emoji.unified.toLowerCase();
    for (const name of emoji.short_names) byName.set(name, canonical);
    codePoints.set(canonical, canonical);
    if (emoji.non_qualified) codePoints.set(emoji.non_qualified.toLowerCase(), canonical);
    for (const variation of Object.values(emoji.skin_variations ?? {})) {
      const skin = variation.unified.toLowerCase();
      codePoints.set(skin, skin);
      if (variation.non_qualified) codePoints.set(variation.non_qualified.toLowerCase(), skin);
    }
  }
  tables = { byName, codePoints };
  return tables;
}

/** The emoji's code point as stored, or `400 invalid_field` on `fieldName`. */
export function parseEmoji(fieldName: string, value: string): string {
  const unknown = () => BadRequest.invalidField(fieldName, `'${value.slice(0, MAX_EMOJI_LENGTH)}' is not an emoji short name or code point`);
  if (value.length === 0 || value.length > MAX_EMOJI_LENGTH) throw unknown();
  const { byName, codePoints } = emojiTables();
  const name = value.replace(/^:(.+):$/, '$1');
  const found = byName.get(name) ?? codePoints.get(value.toLowerCase().replace(/^u\+/, ''));
  if (found === undefined) throw unknown();
  return found;
}
