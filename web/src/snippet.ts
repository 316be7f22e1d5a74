/**
 * A search hit's snippet, as `timeline-entries.search` sends it: the body HTML-escaped
 * (`&#60;` for `<`, …) with each matched word in `<mark>…</mark>`. It is read here into
 * plain-text segments, marked or not, for the page to render as text nodes and `<mark>`
 * elements: the server's string is never handed to the browser as HTML.
 */
export interface SnippetSegment {
  text: string;
  marked: boolean;
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Undoes the server's escaping (numeric references, and the five named ones for good measure). */
export function unescapeHtml(text: string): string {
  return text.replace(/&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|(amp|lt|gt|quot|apos));/gi, (whole, decimal?: string, hex?: string, name?: string) => {
    if (name) return NAMED[name.toLowerCase()] ?? whole;
    const code = decimal !== undefined ? Number(decimal) : parseInt(hex!, 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

export function parseSnippet(snippet: string): SnippetSegment[] {
  const segments: SnippetSegment[] = [];
  let marked = false;
  // Any `<` of the body itself arrives escaped, so these two tags are the only markup there is.
  for (const part of snippet.split(/(<mark>|<\/mark>)/)) {
    if (part === '<mark>') marked = true;
    else if (part === '</mark>') marked = false;
    else if (part !== '') segments.push({ text: unescapeHtml(part), marked });
  }
  return segments;
}
