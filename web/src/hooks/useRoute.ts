/**
 * Where the person is, from the URL's hash (`#/chats/<id>`, `#/support/<conversation id>`,
 * `#/inspect/<tab>`): never a token.
 * A search hit links to its message: `#/chats/<chat>/<entry>`, and `…/<entry>/thread` for a
 * reply in that message's thread.
 */
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  section: 'chats' | 'support' | 'inspect';
  chatId?: string;
  /** The open support conversation. */
  conversationId?: string;
  /** A message of the open chat to show (scrolled to and highlighted), and whether to open its thread. */
  target?: { entryId: string; thread: boolean };
  tab?: string;
}

export function parseRoute(hash: string): Route {
  const [section, rest] = hash.replace(/^#\/?/, '').split(/\/(.*)/s) as [string, string | undefined];
  if (section === 'inspect') return { section: 'inspect', ...(rest && { tab: rest }) };
  if (section === 'support') return { section: 'support', ...(rest && { conversationId: decoded(rest) }) };
  if (section !== 'chats' || !rest) return { section: 'chats' };
  const [chatId, entryId, thread] = rest.split('/').map(decoded) as [string, string | undefined, string | undefined];
  return { section: 'chats', chatId, ...(entryId && { target: { entryId, thread: thread === 'thread' } }) };
}

/** A hand-typed `%` that is no escape stays as it is, rather than breaking the page. */
function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

export function chatHref(chatId: string, target?: { entryId: string; thread: boolean }): string {
  const chat = `#/chats/${encodeURIComponent(chatId)}`;
  return target ? `${chat}/${encodeURIComponent(target.entryId)}${target.thread ? '/thread' : ''}` : chat;
}

export function conversationHref(conversationId: string): string {
  return `#/support/${encodeURIComponent(conversationId)}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
