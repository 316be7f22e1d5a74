/**
 * Search messages: a box in the chat sidebar, and while a search is shown, its results in
 * place of the chat list (MessageSearch.css hides the list, so the page needs no state for it). Each result links to its message in its chat (Enter or a click);
 * the snippet's matched words are `<mark>` elements around text nodes, never server HTML.
 */
import { useRef, useState } from 'preact/hooks';
import type { Chat } from '../../../src/client/index.js';
import { useConsole } from '../context.js';
import { useMessageSearch, type SearchHit } from '../hooks/useMessageSearch.js';
import { chatHref } from '../hooks/useRoute.js';
import { chatName, userName } from './names.js';
import './MessageSearch.css';

interface Props {
  /** The chats the list knows (for names without another call). */
  chats: readonly Chat[];
  /** The open chat, which "In this chat" narrows the search to. */
  openChat?: Chat;
}

export function MessageSearch({ chats, openChat }: Props) {
  const { self } = useConsole();
  const { search, run, more, clear } = useMessageSearch(chats);
  const [query, setQuery] = useState('');
  const [inChat, setInChat] = useState(false);
  const results = useRef<HTMLOListElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const scope = inChat ? openChat : undefined;

  const submit = (event: Event) => {
    event.preventDefault();
    if (query.trim() === '') clear();
    else void run(query, scope);
  };

  const close = () => {
    clear();
    setQuery('');
    input.current?.focus();
  };

  // Narrowing or widening an active search runs it again.
  const toggleScope = (checked: boolean) => {
    setInChat(checked);
    if (search && openChat) void run(search.query, checked ? openChat : undefined);
  };

  const loadMore = async () => {
    const shownBefore = await more();
    // Keyboard users carry on at the first new result, not at a button that may be gone.
    if (shownBefore !== undefined) results.current?.querySelectorAll('a')[shownBefore]?.focus();
  };

  return (
    <div class="message-search">
      <form role="search" aria-label="Search messages" onSubmit={submit}>
        <div class="message-search-row">
          <label for="message-search-input" class="visually-hidden">
            Search messages
          </label>
          <input
            id="message-search-input"
            ref={input}
            type="search"
            placeholder="Search messages"
            maxLength={1000}
            value={query}
            onInput={(event) => setQuery(event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape' && search) {
                event.preventDefault();
                close();
              }
            }}
          />
          <button type="submit">Search</button>
        </div>
        {openChat && (
          <label class="message-search-scope">
            <input type="checkbox" checked={inChat} onChange={(event) => toggleScope(event.currentTarget.checked)} />
            In this chat only
          </label>
        )}
      </form>
      {search && (
        <section class="search-results" aria-label="Search results">
          <div class="search-results-head">
            <p role="status" class="search-results-status">
              {search.state === 'searching' && search.hits.length === 0 && 'Searching…'}
              {search.state === 'failed' && search.error && (
                <>
                  Search failed: <strong class="error-type">{search.error.type}</strong> — {search.error.message}
                </>
              )}
              {search.state === 'done' && search.hits.length === 0 && `No messages match “${search.query}”${search.scope ? ' in this chat' : ''}.`}
              {search.hits.length > 0 &&
                `${search.hits.length}${search.nextCursor ? '+' : ''} ${search.hits.length === 1 ? 'result' : 'results'} for “${search.query}”${search.scope ? ` in ${chatName(search.scope, self.id)}` : ''}`}
            </p>
            <button type="button" onClick={close}>
              Close search
            </button>
          </div>
          {search.hits.length > 0 && (
            <ol class="search-hits" ref={results}>
              {search.hits.map((hit) => (
                <SearchResult key={hit.entry.id} hit={hit} />
              ))}
            </ol>
          )}
          {search.nextCursor && (
            <button type="button" class="search-more" onClick={() => void loadMore()} disabled={search.state === 'searching'}>
              {search.state === 'searching' ? 'Loading…' : 'More results'}
            </button>
          )}
        </section>
      )}
    </div>
  );
}

function SearchResult({ hit }: { hit: SearchHit }) {
  const { self } = useConsole();
  const { entry, chat, rootId } = hit;
  const when = new Date(entry.created_date);
  const content = (
    <>
      <span class="search-hit-meta">
        <span class="search-hit-chat">{chat ? chatName(chat, self.id) : entry.object_display_id}</span>
        {rootId && <span class="muted"> · in a thread</span>}
      </span>
      <span class="search-hit-byline">
        <span class="search-hit-author">{entry.created_by.id === self.id ? 'You' : userName(entry.created_by)}</span>{' '}
        <time dateTime={entry.created_date}>{when.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' })}</time>
      </span>
      <span class="search-hit-snippet">
        {hit.segments.map((segment, index) => (segment.marked ? <mark key={index}>{segment.text}</mark> : segment.text))}
      </span>
    </>
  );
  return (
    <li>
      {chat ? (
        <a class="search-hit" href={chatHref(chat.id, rootId ? { entryId: rootId, thread: true } : { entryId: entry.id, thread: false })}>
          {content}
        </a>
      ) : (
        // Its chat could not be read (the error is shown above): the hit, without a link.
        <div class="search-hit">{content}</div>
      )}
    </li>
  );
}
