/**
 * The inbox's conversations, newest activity first: who asked, the subject, the latest
 * message heard of (or the description), the stage and who owns it.
 */
import { useConsole } from '../../context.js';
import type { InboxFilter, InboxRow } from '../../hooks/useConversations.js';
import { conversationHref } from '../../hooks/useRoute.js';
import { isCustomer } from '../../identity.js';
import { Avatar } from '../Avatar.js';
import { messagePreview, userName } from '../names.js';
import { customerStageLabel, customersOf, stageLabel } from '../../conversations.js';
import { shortTime } from './time.js';

interface Props {
  rows: InboxRow[];
  openId?: string;
  loaded: boolean;
  failed: boolean;
  filter: InboxFilter;
}

export function ConversationList({ rows, openId, loaded, failed, filter }: Props) {
  const { self } = useConsole();
  const customer = isCustomer(self);
  return (
    <nav class="conversation-list" aria-label="Conversations">
      {!loaded && <p class="muted conversation-list-empty" role="status">Loading conversations…</p>}
      {failed && <p class="muted conversation-list-empty">The conversations could not be read: the error is above.</p>}
      {loaded && !failed && rows.length === 0 && (
        <p class="muted conversation-list-empty">
          {customer ? 'No conversations yet. Start one: our team will answer here.' : emptyInbox(filter)}
        </p>
      )}
      <ul>
        {rows.map(({ conversation, lastMessage }) => {
          const asker = customersOf(conversation)[0];
          const owners = conversation.owned_by ?? [];
          const preview = lastMessage
            ? `${lastMessage.created_by.id === self.id ? 'You' : userName(lastMessage.created_by)}${lastMessage.visibility === 'internal' ? ' (note)' : ''}: ${messagePreview(lastMessage)}`
            : (conversation.description ?? '');
          const when = lastMessage?.created_date ?? conversation.modified_date ?? conversation.created_date;
          return (
            <li key={conversation.id}>
              <a
                href={conversationHref(conversation.id)}
                class={conversation.id === openId ? 'conversation-row open' : 'conversation-row'}
                aria-current={conversation.id === openId ? 'page' : undefined}
              >
                {customer ? <TeamMark /> : asker && <Avatar user={asker} />}
                <span class="conversation-row-who">
                  {customer ? conversation.title ?? conversation.display_id : asker ? userName(asker) : conversation.display_id}
                  {!customer && asker?.rev_org?.display_name && <span class="muted"> · {asker.rev_org.display_name}</span>}
                </span>
                {when && (
                  <time class="conversation-row-time" dateTime={when}>
                    {shortTime(when)}
                  </time>
                )}
                {!customer && <span class="conversation-row-title">{conversation.title ?? conversation.display_id}</span>}
                {preview && <span class="conversation-row-preview">{preview}</span>}
                <span class="conversation-row-tags">
                  {conversation.stage && (
                    <span class={`stage-pill stage-${conversation.stage.name}`}>
                      {(customer ? customerStageLabel : stageLabel)(conversation.stage.name)}
                    </span>
                  )}
                  {!customer && (
                    <span class="conversation-row-owner">{owners.length > 0 ? owners.map((owner) => (owner.id === self.id ? 'You' : userName(owner))).join(', ') : 'Unassigned'}</span>
                  )}
                </span>
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

function emptyInbox(filter: InboxFilter): string {
  if (filter.view === 'mine') return 'Nothing assigned to you here. Take one from Unassigned.';
  if (filter.view === 'unassigned') return 'Every conversation here has an owner.';
  return filter.stage === 'open' ? 'All caught up: no open conversations.' : 'No conversations in this stage.';
}

/** What a customer's rows show instead of a face: the team they are talking to. */
function TeamMark() {
  return (
    <span class="avatar team-mark" aria-hidden="true">
      <svg viewBox="0 0 16 16" width="18" height="18" focusable="false">
        <path fill="currentColor" d="M2 3.5A1.5 1.5 0 0 1 3.5 2h9A1.5 1.5 0 0 1 14 3.5v6a1.5 1.5 0 0 1-1.5 1.5H7l-3 3v-3h-.5A1.5 1.5 0 0 1 2 9.5v-6z" />
      </svg>
    </span>
  );
}
