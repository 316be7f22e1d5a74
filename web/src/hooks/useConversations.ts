/**
 * The support inbox: `conversations.list` for the chosen view, kept live by the event
 * stream — a new conversation appears, an assigned or moved one changes (or leaves the
 * view), and a message moves its conversation to the top with the
 * message as its preview. The server decides what the viewer may see (a customer hears only
 * of their own conversations, and never of an internal note); the view's filter is applied
 * to live changes here as the server applies it to the list.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { TimelineEntry } from '../../../src/schema/timeline-entries.js';
import { useConsole } from '../context.js';
import type { Self } from '../identity.js';
import { useLiveEvents } from './useEventStream.js';
import { CLOSED_STAGES, STAGES, type Conversation } from '../conversations.js';

/** `mine`: owned by the viewer; `unassigned`: owned by nobody. */
export type InboxView = 'all' | 'mine' | 'unassigned';
/** A stage's name, `open` for every stage before resolved, or `any`. */
export type StageChoice = string;

export interface InboxFilter {
  view: InboxView;
  stage: StageChoice;
}

export interface InboxRow {
  conversation: Conversation;
  /** The newest message heard of while the inbox is open (the list itself carries none). */
  lastMessage?: TimelineEntry;
}

const PAGE = 50;
const OPEN_STAGES = STAGES.filter((stage) => !CLOSED_STAGES.includes(stage));

export function useConversations(filter: InboxFilter) {
  const { client, self, events, report } = useConsole();
  const [rows, setRows] = useState<InboxRow[]>([]);
  const [nextCursor, setNextCursor] = useState<string | undefined>();
  const [loaded, setLoaded] = useState(false);
  /** The list could not be read (the error is in the error bar): no "nothing here" claim. */
  const [failed, setFailed] = useState(false);

  const request = useCallback(
    (cursor?: string) =>
      client.call('conversations.list', {
        limit: PAGE,
        sort_by: ['modified_date:desc'],
        ...(cursor && { cursor }),
        ...(filter.view === 'mine' && { owned_by: [self.id] }),
        ...(filter.stage !== 'any' && { stage: { name: filter.stage === 'open' ? OPEN_STAGES : [filter.stage] } }),
      }),
    [client, filter.view, filter.stage, self.id],
  );

  useEffect(() => {
    let current = true;
    setLoaded(false);
    setFailed(false);
    setRows([]);
    request().then(
      (page) => {
        if (!current) return;
        setRows(page.conversations.filter((conversation) => inView(conversation, filter, self)).map((conversation) => ({ conversation })));
        setNextCursor(page.next_cursor);
        setLoaded(true);
      },
      (error) => {
        report(error);
        if (!current) return;
        setFailed(true);
        setLoaded(true);
      },
    );
    return () => {
      current = false;
    };
  }, [request]);

  const loadMore = useCallback(async () => {
    if (!nextCursor) return;
    try {
      const page = await request(nextCursor);
      setRows((current) => merge(current, page.conversations.filter((conversation) => inView(conversation, filter, self))));
      setNextCursor(page.next_cursor);
    } catch (error) {
      report(error);
    }
  }, [request, nextCursor]);

  /** A conversation this session created or changed: shown at once, in or out of the view. */
  const upsert = useCallback(
    (conversation: Conversation) =>
      setRows((current) =>
        inView(conversation, filter, self)
          ? merge(current, [conversation])
          : current.filter((row) => row.conversation.id !== conversation.id),
      ),
    [filter.view, filter.stage, self.id],
  );

  useLiveEvents(
    events,
    (event) => {
      if (event.type === 'conversation_created' || event.type === 'conversation_updated') {
        upsert((event.data as { conversation: Conversation }).conversation);
      } else if (event.type === 'timeline_entry_created') {
        const { entry } = event.data as { entry: TimelineEntry };
        if ((entry.object_type as string) !== 'conversation') return;
        setRows((current) => {
          const row = current.find((candidate) => candidate.conversation.id === entry.object);
          return row ? [{ ...row, lastMessage: entry }, ...current.filter((other) => other !== row)] : current;
        });
      }
    },
    [upsert],
  );

  return { rows, loaded, failed, hasMore: nextCursor !== undefined, loadMore, upsert };
}

/** Newest change first; a conversation replaces the row with its id, keeping its preview. */
function merge(current: InboxRow[], incoming: Conversation[]): InboxRow[] {
  const byId = new Map(current.map((row) => [row.conversation.id, row]));
  for (const conversation of incoming) byId.set(conversation.id, { ...byId.get(conversation.id), conversation });
  return [...byId.values()].sort((a, b) => activity(b) - activity(a));
}

function activity(row: InboxRow): number {
  return Math.max(Date.parse(row.conversation.modified_date ?? row.conversation.created_date ?? ''), Date.parse(row.lastMessage?.created_date ?? '')) || 0;
}

/** The view's filter, for what the server did not choose: live changes, and `unassigned` (DevRev's list has no such filter). */
export function inView(conversation: Conversation, filter: InboxFilter, self: Self): boolean {
  const owners = conversation.owned_by ?? [];
  if (filter.view === 'mine' && !owners.some((owner) => owner.id === self.id)) return false;
  if (filter.view === 'unassigned' && owners.length > 0) return false;
  const stage = conversation.stage?.name;
  if (filter.stage === 'open') return stage === undefined || !CLOSED_STAGES.includes(stage);
  return filter.stage === 'any' || stage === filter.stage;
}
