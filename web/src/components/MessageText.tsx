/**
 * A message's text as chat markdown: **bold**, _italic_, `code`, fenced code, block quotes,
 * lists, ~~struck~~, and links. Built as elements from `marked`'s tokens — its lexer only,
 * never its HTML renderer — so nothing in a message is ever parsed as HTML: an HTML token,
 * a heading, a table or anything else not in the subset is shown as the text that was
 * written. Only http, https and mailto become links, and they open in a new tab without
 * handing the chat page to the site.
 */
import type { ComponentChildren } from 'preact';
import { useMemo } from 'preact/hooks';
import { Lexer, type Token, type Tokens } from 'marked';

/** Chat-style: a single newline is a line break; bare URLs and `www.` are links. */
const OPTIONS = { gfm: true, breaks: true } as const;
const LINK_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);
/** Deeper than this (quotes in quotes in lists…) is shown as written: no page-breaking recursion. */
const MAX_DEPTH = 6;

/** `after` (the "(edited)" note) ends the last paragraph, as a chat client shows it, or follows the last block. */
export function MessageText({ text, after }: { text: string; after?: ComponentChildren }) {
  const tokens = useMemo(() => new Lexer(OPTIONS).lex(text).filter((token) => token.type !== 'space'), [text]);
  const last = tokens[tokens.length - 1];
  const children = useMemo(() => blocks(last?.type === 'paragraph' ? tokens.slice(0, -1) : tokens, 0), [tokens]);
  return (
    <div class="message-body">
      {children}
      {last?.type === 'paragraph' ? (
        <p>
          {inlines((last as Tokens.Paragraph).tokens, 0)}
          {after}
        </p>
      ) : (
        after
      )}
    </div>
  );
}

/** The href as a link may carry it, or undefined for `javascript:`, `data:`, relative paths and the like. */
export function safeHref(href: string): string | undefined {
  try {
    const url = new URL(href);
    return LINK_PROTOCOLS.has(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function blocks(tokens: Token[], depth: number): ComponentChildren[] {
  return tokens.map((token, index) => block(token, depth, index));
}

function block(token: Token, depth: number, key: number): ComponentChildren {
  if (depth > MAX_DEPTH) return <p key={key}>{written(token)}</p>;
  switch (token.type) {
    case 'space':
      return null;
    case 'paragraph':
      return <p key={key}>{inlines((token as Tokens.Paragraph).tokens, depth)}</p>;
    case 'text': {
      const text = token as Tokens.Text;
      return <span key={key}>{text.tokens ? inlines(text.tokens, depth) : text.text}</span>;
    }
    case 'code':
      return (
        <pre key={key} tabIndex={0}>
          <code>{(token as Tokens.Code).text}</code>
        </pre>
      );
    case 'blockquote':
      return <blockquote key={key}>{blocks((token as Tokens.Blockquote).tokens, depth + 1)}</blockquote>;
    case 'list': {
      const list = token as Tokens.List;
      const items = list.items.map((item, index) => <li key={index}>{blocks(item.tokens, depth + 1)}</li>);
      return list.ordered ? (
        <ol key={key} start={typeof list.start === 'number' ? list.start : undefined}>
          {items}
        </ol>
      ) : (
        <ul key={key}>{items}</ul>
      );
    }
    default:
      // html, heading, hr, table, def…: not part of the subset, shown as written.
      return <p key={key}>{written(token)}</p>;
  }
}

function inlines(tokens: Token[] | undefined, depth: number): ComponentChildren[] {
  return (tokens ?? []).map((token, index) => inline(token, depth, index));
}

function inline(token: Token, depth: number, key: number): ComponentChildren {
  if (depth > MAX_DEPTH) return token.raw;
  switch (token.type) {
    case 'text': {
      const text = token as Tokens.Text;
      return text.tokens ? inlines(text.tokens, depth + 1) : text.text;
    }
    case 'escape':
      return (token as Tokens.Escape).text;
    case 'strong':
      return <strong key={key}>{inlines((token as Tokens.Strong).tokens, depth + 1)}</strong>;
    case 'em':
      return <em key={key}>{inlines((token as Tokens.Em).tokens, depth + 1)}</em>;
    case 'del':
      return <del key={key}>{inlines((token as Tokens.Del).tokens, depth + 1)}</del>;
    case 'codespan':
      return <code key={key}>{(token as Tokens.Codespan).text}</code>;
    case 'br':
      // A newline in a pre-wrap paragraph: the text reads (and copies) as it was written.
      return '\n';
    case 'link': {
      const link = token as Tokens.Link;
      const href = safeHref(link.href);
      if (!href) return link.raw;
      return (
        <a key={key} href={href} target="_blank" rel="noopener noreferrer">
          {inlines(link.tokens, depth + 1)}
        </a>
      );
    }
    default:
      // html, image (no remote pictures in a message), and anything new: as written.
      return token.raw;
  }
}

/** A token not in the subset, as the person wrote it (without the blank lines after it). */
function written(token: Token): string {
  return token.raw.replace(/\n+$/, '');
}
