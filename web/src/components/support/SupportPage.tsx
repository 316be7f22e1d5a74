/**
 * The Support section: the inbox beside the open conversation (one at a time on a narrow
 * screen). Staff see every conversation they may, filtered by view and stage, and answer,
 * note, assign and move them on; a customer sees their own conversations and starts one.
 */
import { useEffect, useState } from 'preact/hooks';
import { ConfabApiError } from '../../../../src/client/index.js';
import { useConsole } from '../../context.js';
import { useConversations, type InboxFilter } from '../../hooks/useConversations.js';
import { useLiveEvents } from '../../hooks/useEventStream.js';
import { conversationHref } from '../../hooks/useRoute.js';
import { isCustomer } from '../../identity.js';
import type { Conversation } from '../../conversations.js';
import { ConversationList } from './ConversationList.js';
import { ConversationView } from './ConversationView.js';
import { InboxFilters } from './InboxFilters.js';
import { NewConversationDialog } from './NewConversationDialog.js';
import './SupportPage.css';

export function SupportPage({ openConversationId }: { openConversationId?: string }) {
  const { client, events, report, self } = useConsole();
  const customer = isCustomer(self);
  // Staff start on what needs an answer; a customer on everything of theirs.
  const [filter, setFilter] = useState<InboxFilter>({ view: 'all', stage: customer ? 'any' : 'open' });
  const inbox = useConversations(filter);
  const [starting, setStarting] = useState(false);
  const [opened, setOpened] = useState<Conversation | undefined>();
  const listed = inbox.rows.find(({ conversation }) => conversation.id === openConversationId || conversation.display_id === openConversationId);
  const open = listed?.conversation ?? (opened && (opened.id === openConversationId || opened.display_id === openConversationId) ? opened : undefined);

  /** The link names a conversation that is not there for this person (DevRev says `not_found` either way). */
  const [missing, setMissing] = useState<string | undefined>();

  // Opened by its link, or out of the current view: read it by itself.
  useEffect(() => {
    if (!openConversationId || !inbox.loaded || open || missing === openConversationId) return;
    client.call('conversations.get', { id: openConversationId }).then(
      ({ conversation }) => setOpened(conversation),
      (error) => {
        report(error);
        if (error instanceof ConfabApiError && error.status === 404) setMissing(openConversationId);
      },
    );
  }, [openConversationId, inbox.loaded, open === undefined]);

  // One read by itself stays current as it changes (it may be outside the inbox's view).
  useLiveEvents(
    events,
    (event) => {
      if (event.type !== 'conversation_updated') return;
      const { conversation } = event.data as { conversation: Conversation };
      if (conversation.id === opened?.id) setOpened(conversation);
    },
    [opened?.id],
  );

  const changed = (conversation: Conversation) => {
    inbox.upsert(conversation);
    setOpened(conversation);
  };

  return (
    <div class={`support-page ${openConversationId ? 'has-open-conversation' : ''}`}>
      <div class="support-side">
        <div class="support-side-head">
          <h1 class="support-heading">{customer ? 'Your conversations' : 'Inbox'}</h1>
          <button type="button" class="primary" onClick={() => setStarting(true)}>
            New conversation
          </button>
        </div>
        {!customer && <InboxFilters filter={filter} onChange={setFilter} />}
        <ConversationList rows={inbox.rows} openId={open?.id} loaded={inbox.loaded} failed={inbox.failed} filter={filter} />
        {inbox.hasMore && (
          <button type="button" class="support-more" onClick={() => void inbox.loadMore()}>
            More conversations
          </button>
        )}
      </div>
      <div class="support-main">
        {open ? (
          <ConversationView key={open.id} conversation={open} onChanged={changed} />
        ) : (
          <div class="support-empty">
            <p class="muted">
              {openConversationId && missing === openConversationId
                ? 'There is no such conversation here, or it is not yours to see.'
                : openConversationId
                ? 'Opening the conversation…'
                : customer
                  ? 'Pick a conversation, or start one with New conversation: our team answers here.'
                  : 'Pick a conversation from the inbox to answer it.'}
            </p>
          </div>
        )}
      </div>
      {starting && (
        <NewConversationDialog
          onClose={() => setStarting(false)}
          onCreated={(conversation) => {
            setStarting(false);
            changed(conversation);
            window.location.hash = conversationHref(conversation.id);
          }}
        />
      )}
    </div>
  );
}
