/** Where the person is, from the URL's hash (`#/chats/<id>`, `#/inspect/<tab>`): never a token. */
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  section: 'chats' | 'inspect';
  chatId?: string;
  tab?: string;
}

export function parseRoute(hash: string): Route {
  const [section, rest] = hash.replace(/^#\/?/, '').split(/\/(.*)/s) as [string, string | undefined];
  if (section === 'inspect') return { section: 'inspect', ...(rest && { tab: rest }) };
  return { section: 'chats', ...(section === 'chats' && rest && { chatId: decodeURIComponent(rest) }) };
}

export function chatHref(chatId: string): string {
  return `#/chats/${encodeURIComponent(chatId)}`;
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
