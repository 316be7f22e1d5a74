/**
 * Message search (`timeline-entries.search`): the messages the person may read that match
 * the words, best first, a page at a time. Each hit learns its chat — a reply's object is
 * the message it answers, so that message is read for it — to link to it and name it.
 */
import { useCallback, useRef, useState } from 'preact/hooks';
import type { Chat } from '../../../src/client/index.js';
import type { TimelineEntry } from '../../../src/schema/timeline-entries.js';
import { useConsole } from '../context.js';
import { describeError, type ShownError } from '../session.js';
import { parseSnippet, type SnippetSegment } from '../snippet.js';

const PAGE = 20;

export interface SearchHit {
  entry: TimelineEntry;
  segments: SnippetSegment[];
  /** The chat it is in, once known; for a reply, `rootId` is the message whose thread holds it. */
  chat?: Chat;
  rootId?: string;
}

export interface MessageSearch {
  query: string;
  /** Searched in this chat only, or everywhere the person may read. */
  scope?: Chat;
  hits: SearchHit[];
  nextCursor?: string;
  state: 'searching' | 'done' | 'failed';
  error?: ShownError;
}

export function useMessageSearch(knownChats: readonly Chat[]) {
  const { client, report } = useConsole();
  const [search, setSearch] = useState<MessageSearch | undefined>();
  // Answers to an older search (or page) than the latest one asked are dropped.
  const latest = useRef(0);
  const chats = useRef(new Map<string, Chat>());
  const roots = useRef(new Map<string, string>());
  const known = useRef(knownChats);
  known.current = knownChats;

  /** The chats of a page's hits: the list's, or read once (a reply's root message first). */
  const placeHits = useCallback(
    async (entries: { timeline_entry: TimelineEntry; snippet: string }[]): Promise<SearchHit[]> => {
      const replyRoots = [...new Set(entries.filter((hit) => hit.timeline_entry.object_type === 'timeline_comment').map((hit) => hit.timeline_entry.object))];
      await Promise.all(
        replyRoots
          .filter((rootId) => !roots.current.has(rootId))
          .map((rootId) =>
            client.call('timeline-entries.get', { id: rootId }).then(({ timeline_entry }) => roots.current.set(rootId, timeline_entry.object), report),
          ),
      );
      const chatIdOf = (entry: TimelineEntry) => (entry.object_type === 'dm' ? entry.object : roots.current.get(entry.object));
      const chatOf = (id: string) => known.current.find((chat) => chat.id === id) ?? chats.current.get(id);
      const missing = [...new Set(entries.map((hit) => chatIdOf(hit.timeline_entry)))].filter((id): id is string => id !== undefined && !chatOf(id));
      await Promise.all(missing.map((id) => client.chats.get({ id }).then(({ chat }) => chats.current.set(chat.id, chat), report)));
      return entries.map(({ timeline_entry: entry, snippet }) => {
        const chatId = chatIdOf(entry);
        const chat = chatId === undefined ? undefined : chatOf(chatId);
        return {
          entry,
          segments: parseSnippet(snippet),
          ...(chat && { chat }),
          ...(entry.object_type === 'timeline_comment' && { rootId: entry.object }),
        };
      });
    },
    [client],
  );

  const fetchPage = useCallback(
    async (query: string, scope: Chat | undefined, cursor: string | undefined) => {
      const page = await client.call('timeline-entries.search', {
        query,
        limit: PAGE,
        ...(scope && { chat: scope.id }),
        ...(cursor && { cursor }),
      });
      return { hits: await placeHits(page.results), nextCursor: page.next_cursor };
    },
    [client, placeHits],
  );

  const run = useCallback(
    async (query: string, scope?: Chat) => {
      const asked = ++latest.current;
      setSearch({ query, ...(scope && { scope }), hits: [], state: 'searching' });
      try {
        const page = await fetchPage(query, scope, undefined);
        if (asked !== latest.current) return;
        setSearch({ query, ...(scope && { scope }), hits: page.hits, ...(page.nextCursor && { nextCursor: page.nextCursor }), state: 'done' });
      } catch (error) {
        if (asked !== latest.current) return;
        report(error);
        setSearch({ query, ...(scope && { scope }), hits: [], state: 'failed', error: describeError(error) });
      }
    },
    [fetchPage],
  );

  /** The next page, after the ones shown ("More results"); how many were shown before it. */
  const more = useCallback(async (): Promise<number | undefined> => {
    const current = search;
    if (!current?.nextCursor || current.state === 'searching') return undefined;
    const asked = ++latest.current;
    setSearch({ ...current, state: 'searching' });
    try {
      const page = await fetchPage(current.query, current.scope, current.nextCursor);
      if (asked !== latest.current) return undefined;
      const { nextCursor: _done, ...rest } = current;
      setSearch({ ...rest, hits: [...current.hits, ...page.hits], ...(page.nextCursor && { nextCursor: page.nextCursor }), state: 'done' });
      return current.hits.length;
    } catch (error) {
      if (asked !== latest.current) return undefined;
      report(error);
      setSearch({ ...current, state: 'failed', error: describeError(error) });
      return undefined;
    }
  }, [search, fetchPage]);

  const clear = useCallback(() => {
    latest.current++;
    setSearch(undefined);
  }, []);

  return { search, run, more, clear };
}
