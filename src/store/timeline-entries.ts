import { sql, type ExpressionBuilder, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { DialectName } from './migrations/helpers.js';
import type { ArtifactSummary, ChatType, EntryAudienceOf, EntryReaction, EntryReader, TimelineBodyType, TimelineEntry, TimelineVisibility, User } from '../model/index.js';
import { filesOfEntries, type ArtifactStore } from './artifacts.js';
import { batches } from './batches.js';
import { translateUnique } from './errors.js';
import { chatIdsOfUser } from './membership.js';
import { MAX_SCOPED_CHATS, searchCandidates, type SearchScope, type SearchStats } from './message-search.js';
import { jsonColumn, listOf, parseJson, type Verbatim } from './rows.js';
import type { Database, TimelineEntriesTable } from './schema.js';
import type { ChatStore } from './chats.js';
import type { ReactionStore } from './reactions.js';
import type { UserStore } from './users.js';

export interface NewTimelineEntry {
  orgId: number;
  chatId: number;
  number: number;
  /** None for a deleted comment (an import's). */
  body: string | null;
  bodyType: TimelineBodyType | null;
  externalRef: string | null;
  visibility: TimelineVisibility;
  /** A new entry's empty list is stored as none; an import's list verbatim. */
  labels: string[] | Verbatim<string[]>;
  privateTo: number[];
  expiresAt: string | null;
  createdBy: number;
  at: string;
  /** A reply's comment, in the same chat. */
  parentId?: number | null;
  // An import's: the entry as it was where it was exported from. A new one is not deleted
  // and was last changed by its author when it was written.
  deletedAt?: string | null;
  modifiedBy?: number;
  modifiedAt?: string;
}

export interface TimelineEntryPatch {
  body?: string;
  bodyType?: TimelineBodyType;
  externalRef?: string | null;
  modifiedBy: number;
  at: string;
}

/** A place in a chat's timeline: the keyset every page is cut on. */
export interface TimelinePosition {
  createdAt: string;
  id: number;
}

/** What one reader may see of one chat, optionally narrowed by the list's filters. */
export interface TimelineView {
  /** Absent: every chat the reader belongs to, directly or through a group (search). */
  chatId?: number;
  reader: EntryReader;
  now: string;
  visibility?: readonly TimelineVisibility[];
  labels?: readonly string[];
  /**
   * Which part of the chat: absent, its own timeline (no replies); a comment's id, that
   * comment's thread; `any`, both (read markers and the reply counts of threads).
   */
  thread?: number | 'any';
}

/** What one reader sees of several chats they belong to (chats.list). */
export type ChatsView = Pick<TimelineView, 'reader' | 'now'>;

/** A chat's unread entries and unread replies in the reader's threads (see `countUnread`, `countUnreadThreads`). */
export interface UnreadCounts {
  unread: number;
  unreadThreads: number;
}

export interface TimelineSlice {
  /** `older`: entries before `from` in time, newest first; `newer`: after it, oldest first. */
  direction: 'older' | 'newer';
  from?: TimelinePosition;
  limit: number;
}

type EntryRow = Selectable<TimelineEntriesTable> & {
  chat_number: number;
  chat_type: string;
  parent_number: number | null;
  has_files: unknown;
  total_replies: number | string | null;
  reaction_list: string | null;
};
type EntryBuilder = ExpressionBuilder<Database, 'timeline_entries'>;

function entryRow(input: NewTimelineEntry): Insertable<TimelineEntriesTable> {
  return {
    org_id: input.orgId,
    chat_id: input.chatId,
    number: input.number,
    body: input.body,
    body_type: input.bodyType,
    external_ref: input.externalRef,
    visibility: input.visibility,
    labels: jsonColumn(input.labels, (labels) => (labels.length === 0 ? null : JSON.stringify(labels))),
    expires_at: input.expiresAt,
    deleted_at: input.deletedAt ?? null,
    created_by: input.createdBy,
    modified_by: input.modifiedBy ?? input.createdBy,
    created_at: input.at,
    modified_at: input.modifiedAt ?? input.at,
    parent_id: input.parentId ?? null,
  };
}

/**
 * An entry just inserted from `input`, as a read of it would answer, without reading it: no
 * reactions, replies or files yet, last changed by its author when it was written.
 */
export function insertedEntry(
  id: number,
  input: NewTimelineEntry,
  known: { author: User; chatNumber: number; chatType: ChatType; parentNumber: number | null },
): TimelineEntry {
  return {
    id,
    orgId: input.orgId,
    chatId: input.chatId,
    chatNumber: known.chatNumber,
    chatType: known.chatType,
    number: input.number,
    body: input.body,
    bodyType: input.bodyType,
    externalRef: input.externalRef,
    visibility: input.visibility,
    labels: [...listOf(input.labels)],
    expiresAt: input.expiresAt,
    deletedAt: null,
    createdBy: known.author,
    modifiedBy: known.author,
    createdAt: input.at,
    modifiedAt: input.at,
    reactions: [],
    parentId: input.parentId ?? null,
    parentNumber: known.parentNumber,
    totalReplies: 0,
    artifacts: [],
  };
}

export class TimelineEntryStore {
  constructor(
    private readonly db: Kysely<Database>,
    /** The store's one user reader, shared so that every entity reads people the same way. */
    private readonly users: UserStore,
    private readonly reactions: ReactionStore,
    /** Whose chats a search looks in (cached: read-cache.ts). */
    private readonly chats: Pick<ChatStore, 'memberChatIds'>,
    /** A message's files go when it expires. */
    private readonly artifacts: Pick<ArtifactStore, 'deleteOfEntryRows'>,
    /** Full-text search is spelled differently on each dialect. */
    private readonly dialect: DialectName,
    /** Shared by every store made for this database, so /metrics counts all searches. */
    readonly searchStats: SearchStats,
  ) {}

  /** Throws `UniqueViolation` when the chat already has an entry with this external_ref. */
  async insert(input: NewTimelineEntry): Promise<number> {
    return (await this.insertMany([input])).get(input.number)!;
  }

  /**
   * Many entries with their labels and private readers in few statements (seeding, imports),
   * unchecked beyond the database's constraints; row ids by number. Throws `UniqueViolation`
   * as `insert` does.
   */
  async insertMany(inputs: readonly NewTimelineEntry[]): Promise<Map<number, number>> {
    const ids = new Map<number, number>();
    for (const batch of batches(inputs.map(entryRow))) {
      const inserted = await translateUnique(() => this.db.insertInto('timeline_entries').values(batch).returning(['id', 'number']).execute());
      for (const row of inserted) ids.set(row.number, row.id);
    }
    // A label is on an entry once, however often an imported list names it.
    const labels = inputs.flatMap((input) => [...new Set(listOf(input.labels))].map((label) => ({ entry_id: ids.get(input.number)!, label })));
    for (const batch of batches(labels)) await this.db.insertInto('timeline_entry_labels').values(batch).execute();
    const readers = inputs.flatMap((input) => input.privateTo.map((userId) => ({ entry_id: ids.get(input.number)!, user_id: userId })));
    for (const batch of batches(readers)) await this.db.insertInto('timeline_entry_private_to').values(batch).execute();
    return ids;
  }

  /** Replies written in the same statement as their parent, whose id was not known yet (imports). */
  async setParents(parentOf: ReadonlyMap<number, number[]>): Promise<void> {
    for (const [parentId, replyIds] of parentOf) {
      await this.db.updateTable('timeline_entries').set({ parent_id: parentId }).where('id', 'in', replyIds).execute();
    }
  }

  /** Throws `UniqueViolation` when the new external_ref is taken in the chat. */
  async update(entryId: number, patch: TimelineEntryPatch): Promise<void> {
    await translateUnique(() =>
      this.db
        .updateTable('timeline_entries')
        .set({
          ...(patch.body !== undefined && { body: patch.body }),
          ...(patch.bodyType !== undefined && { body_type: patch.bodyType }),
          ...(patch.externalRef !== undefined && { external_ref: patch.externalRef }),
          modified_by: patch.modifiedBy,
          modified_at: patch.at,
        })
        .where('id', '=', entryId)
        .execute(),
    );
  }

  /** A deleted comment keeps its place (and its external_ref) but loses its text. */
  async markDeleted(entryId: number, by: number, at: string): Promise<void> {
    await this.db
      .updateTable('timeline_entries')
      .set({ body: null, body_type: null, deleted_at: at, modified_by: by, modified_at: at })
      .where('id', '=', entryId)
      .execute();
  }

  /**
   * Unexpired entries only: an expired entry is gone even before the sweeper purges it. Its
   * thread's replies are counted as `reader` sees them (all of them without one: the org's view).
   */
  async findByNumber(orgId: number, number: number, now: string, reader?: EntryReader): Promise<TimelineEntry | undefined> {
    const row = await this.selectEntries({ reader, now })
      .where('timeline_entries.org_id', '=', orgId)
      .where('timeline_entries.number', '=', number)
      .where((eb) => unexpired(eb, now))
      .executeTakeFirst();
    return row && (await this.assemble([row]))[0];
  }

  async findByExternalRef(chatId: number, externalRef: string, now: string, reader?: EntryReader): Promise<TimelineEntry | undefined> {
    const row = await this.selectEntries({ reader, now })
      .where('timeline_entries.chat_id', '=', chatId)
      .where('timeline_entries.external_ref', '=', externalRef)
      .where((eb) => unexpired(eb, now))
      .executeTakeFirst();
    return row && (await this.assemble([row]))[0];
  }

  /** What the visibility rule needs of one entry, without assembling it. */
  async audience(entryId: number): Promise<EntryAudienceOf | undefined> {
    const row = await this.db.selectFrom('timeline_entries').select(['visibility', 'created_by']).where('id', '=', entryId).executeTakeFirst();
    if (!row) return undefined;
    const visibility = row.visibility as TimelineVisibility;
    return { visibility, authorId: row.created_by, privateTo: visibility === 'private' ? await this.privateReaders(entryId) : [] };
  }

  /** Who a private entry is for, besides its author. */
  async privateReaders(entryId: number): Promise<number[]> {
    const rows = await this.db.selectFrom('timeline_entry_private_to').select('user_id').where('entry_id', '=', entryId).execute();
    return rows.map((row) => row.user_id);
  }

  /**
   * One slice of what `view` sees, read as a range scan of (chat_id, created_at, id):
   * `created_at <= t` bounds the scan through the index and the tie on `t` is settled by id,
   * so a page deep in a long chat costs what the first page costs.
   */
  async slice(view: TimelineView, slice: TimelineSlice): Promise<TimelineEntry[]> {
    const order = slice.direction === 'older' ? 'desc' : 'asc';
    let query = this.selectEntries(view).where((eb) => this.visibleTo(eb, view));
    if (slice.from) query = query.where((eb) => beyond(eb, slice.direction, slice.from!));
    const rows = await query
      .orderBy('timeline_entries.created_at', order)
      .orderBy('timeline_entries.id', order)
      .limit(slice.limit)
      .execute();
    return this.assemble(rows);
  }

  /** Whether `view` sees anything beyond `from` in `direction`: one index probe. */
  async anyBeyond(view: TimelineView, direction: 'older' | 'newer', from: TimelinePosition): Promise<boolean> {
    const row = await this.db
      .selectFrom('timeline_entries')
      .select('timeline_entries.id')
      .where((eb) => this.visibleTo(eb, view))
      .where((eb) => beyond(eb, direction, from))
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * How many entries `view` sees after `from` (all, without it) that someone other than
   * the reader wrote and that are not deleted: a chat's unread count. One range of the
   * (chat_id, created_at, id) index.
   */
  async countUnread(view: TimelineView, from: TimelinePosition | undefined): Promise<number> {
    let query = this.db
      .selectFrom('timeline_entries')
      .select((eb) => eb.fn.countAll<number | string>().as('unread'))
      .where((eb) => this.visibleTo(eb, view))
      .where('timeline_entries.created_by', '!=', view.reader.userId)
      .where('timeline_entries.deleted_at', 'is', null);
    if (from) query = query.where((eb) => beyond(eb, 'newer', from));
    const row = await query.executeTakeFirstOrThrow();
    return Number(row.unread);
  }

  /**
   * Replies after `from` that others wrote, in the threads of this chat that the viewer
   * started or replied in: a chat's unread_thread_count.
   */
  async countUnreadThreads(view: TimelineView & { chatId: number }, from: TimelinePosition | undefined): Promise<number> {
    let query = this.db
      .selectFrom('timeline_entries')
      .select((eb) => eb.fn.countAll<number | string>().as('unread'))
      .where((eb) => this.visibleTo(eb, { ...view, thread: 'any' }))
      .where('timeline_entries.parent_id', 'is not', null)
      .where('timeline_entries.created_by', '!=', view.reader.userId)
      .where('timeline_entries.deleted_at', 'is', null)
      .where((eb) => inThreadOf(eb, view.reader.userId));
    if (from) query = query.where((eb) => beyond(eb, 'newer', from));
    const row = await query.executeTakeFirstOrThrow();
    return Number(row.unread);
  }

  /**
   * For chats.list: the newest entry `view` sees in each of `chatIds` (their own timelines,
   * not threads), by chat. One statement: for each chat a "first row" subquery walks the
   * (chat_id, created_at, id) index back from its newest entry to the first visible one —
   * a few index probes per chat, where ROW_NUMBER() OVER (PARTITION BY chat_id) would read
   * every entry of every chat on the page. Reply counts and reactions come in the same statement.
   */
  async latestOfChats(view: ChatsView, chatIds: readonly number[]): Promise<Map<number, TimelineEntry>> {
    if (chatIds.length === 0) return new Map();
    const rows = await this.selectEntries(view)
      .where('timeline_entries.id', 'in', (eb) =>
        eb
          .selectFrom('chats as page')
          .select((outer) =>
            outer
              .selectFrom('timeline_entries')
              .select('timeline_entries.id')
              .where((inner) => inner.and([inner('timeline_entries.chat_id', '=', sql.ref<number>('page.id')), ...this.seenIn(inner, view)]))
              .orderBy('timeline_entries.created_at', 'desc')
              .orderBy('timeline_entries.id', 'desc')
              .limit(1)
              .as('latest'),
          )
          .where('page.id', 'in', [...chatIds]),
      )
      .execute();
    const entries = await this.assemble(rows);
    return new Map(entries.map((entry) => [entry.chatId, entry]));
  }

  /**
   * For chats.list: per chat of `chatIds`, what `countUnread` and `countUnreadThreads` count,
   * in one grouped statement with each chat's read marker joined: for each chat, one range of
   * the (chat_id, created_at, id) index from its marker on. Chats with nothing unread are absent.
   */
  async unreadOfChats(view: ChatsView, chatIds: readonly number[]): Promise<Map<number, UnreadCounts>> {
    if (chatIds.length === 0) return new Map();
    const me = view.reader.userId;
    const rows = await this.db
      .selectFrom('chats as page')
      .leftJoin('chat_reads', (join) => join.onRef('chat_reads.chat_id', '=', 'page.id').on('chat_reads.user_id', '=', me))
      .innerJoin('timeline_entries', 'timeline_entries.chat_id', 'page.id')
      .select((eb) => {
        const entries = eb as unknown as EntryBuilder;
        const inThread = entries.and([entries('timeline_entries.parent_id', 'is not', null), inThreadOf(entries, me)]);
        const tally = (condition: ReturnType<EntryBuilder['and']>) => eb.fn.sum<number | string>(eb.case().when(condition).then(1).else(0).end());
        return ['page.id as chat_id', tally(entries('timeline_entries.parent_id', 'is', null)).as('unread'), tally(inThread).as('unread_threads')];
      })
      .where('page.id', 'in', [...chatIds])
      // '' sorts before every timestamp: with no marker, the whole timeline is unread.
      .where('timeline_entries.created_at', '>=', (eb) => eb.fn.coalesce('chat_reads.read_at', sql.lit('')))
      .where((eb) =>
        eb.or([
          eb('chat_reads.read_at', 'is', null),
          eb('timeline_entries.created_at', '>', eb.ref('chat_reads.read_at')),
          eb('timeline_entries.id', '>', eb.ref('chat_reads.read_id')),
        ]),
      )
      .where((eb) => (eb as unknown as EntryBuilder).and(this.seenIn(eb as unknown as EntryBuilder, { ...view, thread: 'any' })))
      .where('timeline_entries.created_by', '!=', me)
      .where('timeline_entries.deleted_at', 'is', null)
      .groupBy('page.id')
      .execute();
    return new Map(rows.map((row) => [row.chat_id, { unread: Number(row.unread), unreadThreads: Number(row.unread_threads) }]));
  }

  /**
   * The entries `view` sees whose body has every one of `terms`, best match first:
   * bm25 without IDF on SQLite, ts_rank on PostgreSQL (message-search.ts), ties by newest. `terms` are plain words
   * (letters and digits only, the caller makes sure). Ranked are only the candidates the
   * index gives for the reader's own chats (or org), at most SEARCH_CANDIDATE_CAP, the
   * newest (message-search.ts); of those, the visible ones, then the page's rows in full.
   */
  async search(view: TimelineView & { orgId: number }, terms: readonly string[], offset: number, limit: number): Promise<TimelineEntry[]> {
    const scope = await this.searchScope(view);
    const candidates = await searchCandidates(this.db, this.dialect, scope, terms);
    this.searchStats.candidatesExamined += candidates.length;
    if (candidates.length === 0) return [];
    const visible = await this.db
      .selectFrom('timeline_entries')
      .select(['timeline_entries.id', 'timeline_entries.created_at'])
      .where('timeline_entries.id', 'in', candidates.map((candidate) => candidate.id))
      .where((eb) => this.visibleTo(eb, { ...view, thread: 'any' }))
      .where('timeline_entries.deleted_at', 'is', null)
      .execute();
    const rankOf = new Map(candidates.map((candidate) => [candidate.id, candidate.rank]));
    const pageIds = visible
      .sort((a, b) => rankOf.get(a.id)! - rankOf.get(b.id)! || (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : b.id - a.id))
      .slice(offset, offset + limit)
      .map((row) => row.id);
    if (pageIds.length === 0) return [];
    const rows = await this.selectEntries(view).where('timeline_entries.id', 'in', pageIds).execute();
    const byId = new Map(rows.map((row) => [row.id, row]));
    return this.assemble(pageIds.map((id) => byId.get(id)!));
  }

  /** The one chat searched in, the reader's chats when they are few enough to name, else their org. */
  private async searchScope(view: TimelineView & { orgId: number }): Promise<SearchScope> {
    if (view.chatId !== undefined) return { chatIds: [view.chatId] };
    const chatIds = await this.chats.memberChatIds(view.reader.userId, MAX_SCOPED_CHATS + 1);
    return chatIds.length <= MAX_SCOPED_CHATS ? { chatIds } : { orgId: view.orgId };
  }

  /**
   * Deletes entries whose time is up, in batches so that a large backlog never holds the
   * database for long. Returns the ids of those that went. `externalRef` narrows it to one chat's ref,
   * which frees that ref for reuse the moment its entry expires.
   */
  async purgeExpired(now: string, batch = 500, only?: { chatId: number; externalRef: string }): Promise<number[]> {
    let query = this.db
      .selectFrom('timeline_entries')
      .select('id')
      .where('expires_at', 'is not', null)
      .where('expires_at', '<=', now);
    if (only) query = query.where('chat_id', '=', only.chatId).where('external_ref', '=', only.externalRef);
    const expired = (await query.limit(batch).execute()).map((row) => row.id);
    if (expired.length === 0) return [];
    // A thread leaves with its comment.
    const replies = await this.db.selectFrom('timeline_entries').select('id').where('parent_id', 'in', expired).execute();
    const ids = [...expired, ...replies.map((row) => row.id)];
    // Their files go with them, bytes and all: none of it is readable any more.
    await this.artifacts.deleteOfEntryRows(ids);
    await this.db.deleteFrom('timeline_entry_labels').where('entry_id', 'in', ids).execute();
    await this.db.deleteFrom('timeline_entry_private_to').where('entry_id', 'in', ids).execute();
    await this.reactions.deleteOfEntries(ids);
    await this.db.deleteFrom('timeline_entries').where('id', 'in', ids).execute();
    return ids;
  }

  private visibleTo(eb: EntryBuilder, view: TimelineView) {
    const chat =
      view.chatId !== undefined
        ? eb('timeline_entries.chat_id', '=', view.chatId)
        : eb('timeline_entries.chat_id', 'in', chatIdsOfUser(this.db, view.reader.userId));
    return eb.and([chat, ...this.seenIn(eb, view)]);
  }

  /** What `view` sees of an entry already known to be in one of its chats: the one rule, and the list's filters. */
  private seenIn(eb: EntryBuilder, view: TimelineView) {
    const conditions = [unexpired(eb, view.now), readableBy(eb, view.reader)];
    if (view.thread === undefined) conditions.push(eb('timeline_entries.parent_id', 'is', null));
    else if (view.thread !== 'any') conditions.push(eb('timeline_entries.parent_id', '=', view.thread));
    if (view.visibility && view.visibility.length > 0) {
      conditions.push(eb('timeline_entries.visibility', 'in', [...view.visibility]));
    }
    if (view.labels && view.labels.length > 0) {
      conditions.push(
        eb.exists(
          eb
            .selectFrom('timeline_entry_labels')
            .select('timeline_entry_labels.entry_id')
            .whereRef('timeline_entry_labels.entry_id', '=', 'timeline_entries.id')
            .where('timeline_entry_labels.label', 'in', [...view.labels]),
        ),
      );
    }
    return conditions;
  }

  /**
   * Entries with all a page shows of them in one statement: their chat's and comment's
   * numbers, whether they have files, their reactions in order (`reaction_list`, see
   * `parseReactions`) and how many replies of their thread `seen.reader` sees.
   */
  private selectEntries(seen: Pick<TimelineView, 'now'> & { reader?: EntryReader | undefined }) {
    return this.db
      .selectFrom('timeline_entries')
      .innerJoin('chats', 'chats.id', 'timeline_entries.chat_id')
      .leftJoin('timeline_entries as parents', 'parents.id', 'timeline_entries.parent_id')
      .selectAll('timeline_entries')
      .select(['chats.number as chat_number', 'chats.type as chat_type', 'parents.number as parent_number'])
      // Most messages have no files: knowing which do spares a page the statement that reads them.
      .select((eb) =>
        eb
          .exists(
            eb
              .selectFrom('artifacts')
              .select('artifacts.id')
              .whereRef('artifacts.org_id', '=', 'timeline_entries.org_id')
              .where('artifacts.parent_kind', '=', 'timeline_comment')
              .whereRef('artifacts.parent_number', '=', 'timeline_entries.number'),
          )
          .as('has_files'),
      )
      .select((eb) => repliesSeen(eb, seen).as('total_replies'))
      .select(reactionList(this.dialect).as('reaction_list'));
  }

  /** How many replies a comment has now. */
  async replyCount(entryId: number): Promise<number> {
    return (await this.replyCounts([entryId])).get(entryId) ?? 0;
  }

  /** How many replies each of these comments has: one index probe per comment with any. */
  private async replyCounts(entryIds: readonly number[]): Promise<Map<number, number>> {
    const rows = await this.db
      .selectFrom('timeline_entries')
      .select(['parent_id', (eb) => eb.fn.countAll<number | string>().as('replies')])
      .where('parent_id', 'in', [...entryIds])
      .groupBy('parent_id')
      .execute();
    return new Map(rows.map((row) => [row.parent_id!, Number(row.replies)]));
  }

  /**
   * Rows → entries, with every author and editor from the user store (in memory when cached,
   * else one query), and the files of those that have any (`has_files`) in one more.
   */
  private async assemble(rows: readonly EntryRow[]): Promise<TimelineEntry[]> {
    if (rows.length === 0) return [];
    const wanted = [...new Set(rows.flatMap((row) => [row.created_by, row.modified_by]))];
    // SQLite answers EXISTS with 0 or 1, PostgreSQL with a boolean: Number() reads both.
    const filed = rows.filter((row) => Number(row.has_files) === 1).map((row) => row.number);
    // A page is of one chat, so of one organization; search's span chats of one too.
    const [users, files] = await Promise.all([
      this.users.findByIds(wanted),
      filed.length > 0 ? filesOfEntries(this.db, rows[0]!.org_id, filed) : new Map<number, ArtifactSummary[]>(),
    ]);
    const byId = new Map(users.map((user): [number, User] => [user.id, user]));
    return rows.map((row) => ({
      id: row.id,
      orgId: row.org_id,
      chatId: row.chat_id,
      chatNumber: row.chat_number,
      chatType: row.chat_type as ChatType,
      number: row.number,
      body: row.body,
      bodyType: row.body_type as TimelineBodyType | null,
      externalRef: row.external_ref,
      visibility: row.visibility as TimelineVisibility,
      labels: parseJson<string[]>(row.labels) ?? [],
      expiresAt: row.expires_at,
      deletedAt: row.deleted_at,
      createdBy: byId.get(row.created_by)!,
      modifiedBy: byId.get(row.modified_by)!,
      createdAt: row.created_at,
      modifiedAt: row.modified_at,
      reactions: parseReactions(row.reaction_list),
      parentId: row.parent_id,
      parentNumber: row.parent_number,
      totalReplies: Number(row.total_replies),
      artifacts: row.org_id === rows[0]!.org_id ? (files.get(row.number) ?? []) : [],
    }));
  }
}

/**
 * The SQL form of domain/policy/visibility.ts `mayReadEntry`: private entries for their author
 * and `private_to`, internal ones for the dev organization, and a reply only for those who
 * may also read its comment. test/visibility.test.ts checks that the two agree on every
 * combination.
 */
export function readableBy(eb: EntryBuilder, reader: EntryReader) {
  return eb.and([
    ownAudienceIncludes(eb, 'timeline_entries', reader),
    eb.or([
      eb('timeline_entries.parent_id', 'is', null),
      eb.exists(
        eb
          .selectFrom('timeline_entries as comments')
          .select('comments.id')
          .whereRef('comments.id', '=', 'timeline_entries.parent_id')
          .where((inner) => ownAudienceIncludes(inner as unknown as EntryBuilder, 'comments', reader)),
      ),
    ]),
  ]);
}

/** Whether the entry row under `table` (the entry itself, or an alias: its comment, a reply) is for `reader`. */
function ownAudienceIncludes(eb: EntryBuilder, table: 'timeline_entries' | 'comments' | 'replies', reader: EntryReader) {
  const column = <T,>(name: string) => sql.ref<T>(`${table}.${name}`);
  const conditions = [
    eb.or([
      eb(column<string>('visibility'), '!=', 'private'),
      eb(column<number>('created_by'), '=', reader.userId),
      eb.exists(
        eb
          .selectFrom('timeline_entry_private_to')
          .select('timeline_entry_private_to.entry_id')
          .where(sql.ref('timeline_entry_private_to.entry_id'), '=', column<number>('id'))
          .where('timeline_entry_private_to.user_id', '=', reader.userId),
      ),
    ]),
  ];
  if (!reader.seesInternal) conditions.push(eb(column<string>('visibility'), '!=', 'internal'));
  return eb.and(conditions);
}

/**
 * How many replies to the entry under `timeline_entries` `seen.reader` sees: unexpired, and
 * for them by the one rule (`readableBy`: the comment is the entry itself, which they read).
 * Without a reader, every unexpired reply (the organization's view: webhooks, the outbox).
 */
function repliesSeen(eb: EntryBuilder, seen: { reader?: EntryReader | undefined; now: string }) {
  return eb
    .selectFrom('timeline_entries as replies')
    .select((inner) => inner.fn.countAll<number | string>().as('replies'))
    .whereRef('replies.parent_id', '=', 'timeline_entries.id')
    .where((inner) => {
      const replies = inner as unknown as EntryBuilder;
      const expiresAt = sql.ref<string | null>('replies.expires_at');
      const unexpiredReply = replies.or([replies(expiresAt, 'is', null), replies(expiresAt, '>', seen.now)]);
      return replies.and(seen.reader ? [unexpiredReply, ownAudienceIncludes(replies, 'replies', seen.reader)] : [unexpiredReply]);
    });
}

/**
 * An entry's reactions as one text, `emoji:user` pairs by `,` in the order they were made
 * (code points and ids hold neither character): read with the entry, not in a statement of their own.
 */
function reactionList(dialect: DialectName) {
  return dialect === 'postgres'
    ? sql<string | null>`(select string_agg(r.emoji || ':' || r.user_id::text, ',' order by r.created_at, r.user_id) from timeline_reactions r where r.entry_id = timeline_entries.id)`
    : sql<string | null>`(select group_concat(r.emoji || ':' || r.user_id, ',' order by r.created_at, r.user_id) from timeline_reactions r where r.entry_id = timeline_entries.id)`;
}

/** `reactionList`'s text → per emoji, in the order each was first used, who reacted so in order. */
function parseReactions(list: string | null): EntryReaction[] {
  const reactions: EntryReaction[] = [];
  if (list === null) return reactions;
  for (const pair of list.split(',')) {
    const colon = pair.lastIndexOf(':');
    const emoji = pair.slice(0, colon);
    const userId = Number(pair.slice(colon + 1));
    const reaction = reactions.find((candidate) => candidate.emoji === emoji);
    if (reaction) reaction.userIds.push(userId);
    else reactions.push({ emoji, userIds: [userId] });
  }
  return reactions;
}

/** Whether the reply under `timeline_entries` is in a thread `userId` started or replied in (one level deep: its comment is the thread). */
function inThreadOf(eb: EntryBuilder, userId: number) {
  return eb.or([
    eb.exists(
      eb
        .selectFrom('timeline_entries as started')
        .select('started.id')
        .whereRef('started.id', '=', 'timeline_entries.parent_id')
        .where('started.created_by', '=', userId),
    ),
    eb.exists(
      eb
        .selectFrom('timeline_entries as replied')
        .select('replied.id')
        .whereRef('replied.parent_id', '=', 'timeline_entries.parent_id')
        .where('replied.created_by', '=', userId),
    ),
  ]);
}

function unexpired(eb: EntryBuilder, now: string) {
  return eb.or([eb('timeline_entries.expires_at', 'is', null), eb('timeline_entries.expires_at', '>', now)]);
}

function beyond(eb: EntryBuilder, direction: 'older' | 'newer', from: TimelinePosition) {
  const [range, strict] = direction === 'older' ? (['<=', '<'] as const) : (['>=', '>'] as const);
  return eb.and([
    eb('timeline_entries.created_at', range, from.createdAt),
    eb.or([eb('timeline_entries.created_at', strict, from.createdAt), eb('timeline_entries.id', strict, from.id)]),
  ]);
}
