/**
 * One support conversation: who asked and what about, its messages and (for staff) the
 * internal notes among them, and the reply box. Staff move it between stages and assign it
 * here; a customer sees its stage and writes to the team.
 */
import type { RequestOf } from '../../../../src/client/index.js';
import { useConsole } from '../../context.js';
import { useMessages } from '../../hooks/useMessages.js';
import { useTyping } from '../../hooks/useTyping.js';
import { isCustomer } from '../../identity.js';
import { userName } from '../names.js';
import { AssigneePicker } from './AssigneePicker.js';
import { customerStageLabel, customersOf, type Conversation } from '../../conversations.js';
import { ReplyBox } from './ReplyBox.js';
import { StagePicker } from './StagePicker.js';
import { SupportTimeline } from './SupportTimeline.js';

interface Props {
  conversation: Conversation;
  onChanged(conversation: Conversation): void;
}

export function ConversationView({ conversation, onChanged }: Props) {
  const { client, self, report } = useConsole();
  const customer = isCustomer(self);
  const messages = useMessages(conversation.id);
  const { typing, noteTyping } = useTyping(conversation.id);
  const title = conversation.title ?? conversation.display_id ?? 'Conversation';
  const askers = customersOf(conversation);

  const update = async (change: Omit<RequestOf<'conversations.update'>, 'id'>) => {
    try {
      const { conversation: updated } = await client.call('conversations.update', { id: conversation.id, ...change });
      onChanged(updated);
    } catch (error) {
      report(error);
    }
  };

  return (
    <section class="conversation-view" aria-label={`Conversation: ${title}`}>
      <header class="conversation-header">
        <a class="conversation-back" href="#/support">
          ← {customer ? 'Your conversations' : 'Inbox'}
        </a>
        <div class="conversation-heading">
          <h2 class="conversation-title">{title}</h2>
          <p class="conversation-subtitle muted">
            {customer ? (
              <>With our support team · {conversation.display_id}</>
            ) : (
              <>
                {askers.map(userName).join(', ')}
                {askers[0]?.rev_org?.display_name && <> · {askers[0].rev_org.display_name}</>}
                {askers[0]?.email && <> · {askers[0].email}</>} · {conversation.display_id}
              </>
            )}
          </p>
        </div>
        {customer ? (
          conversation.stage && <span class={`stage-pill stage-${conversation.stage.name}`}>{customerStageLabel(conversation.stage.name)}</span>
        ) : (
          <div class="conversation-controls">
            <StagePicker stage={conversation.stage?.name} onChange={(name) => update({ stage: { name } })} />
            <AssigneePicker owners={conversation.owned_by ?? []} onChange={(ids) => update({ owned_by: { set: ids } })} />
          </div>
        )}
      </header>
      {conversation.description && <p class="conversation-description">{conversation.description}</p>}
      <SupportTimeline messages={messages} />
      <p class="support-typing" aria-live="polite">
        {typing.length > 0 && `${typing.map(userName).join(', ')} ${typing.length === 1 ? 'is' : 'are'} typing…`}
      </p>
      <ReplyBox onSend={(body, internal) => messages.send(body, [], internal ? 'internal' : undefined)} onTyping={noteTyping} notes={!customer} />
    </section>
  );
}
