import type { FastifyInstance } from 'fastify';
import {
  createConversation,
  deleteConversation,
  exportConversations,
  getConversation,
  listConversations,
  updateConversation,
  type ListConversationsInput,
} from '../../domain/conversations.js';
import type { ConversationSortKey } from '../../store/conversations.js';
import { ConversationsExportQuery, ConversationsListQuery, ConversationsIdRequest } from '../../schema/conversations.js';
import type { Store } from '../../store/index.js';
import { operation } from '../operation.js';
import { presentConversation } from '../../present/conversations.js';

export function conversationRoutes(app: FastifyInstance, store: Store): void {
  operation(app, store, {
    name: 'conversations.create',
    status: 201,
    async handle({ store, principal }, body) {
      const conversation = await createConversation(store, principal, {
        title: body.title,
        description: body.description,
        members: body.members,
        ownedBy: body.owned_by,
        group: body.group,
        stage: body.stage?.name,
        tags: body.tags,
        messages: body.messages,
        sourceChannel: body.source_channel,
        isSpam: body.is_spam,
        customFields: body.custom_fields,
      });
      return { conversation: presentConversation(conversation, principal) };
    },
  });

  operation(app, store, {
    name: 'conversations.get',
    get: ConversationsIdRequest,
    async handle({ store, principal }, body) {
      return { conversation: presentConversation(await getConversation(store, principal, body.id), principal) };
    },
  });

  operation(app, store, {
    name: 'conversations.update',
    async handle({ store, principal }, body) {
      const conversation = await updateConversation(store, principal, {
        id: body.id,
        title: body.title,
        description: body.description,
        members: body.members?.set,
        ownedBy: body.owned_by?.set,
        group: body.group,
        stage: body.stage?.name,
        isSpam: body.is_spam,
        isFrozen: body.is_frozen,
        tagsChange: body.tags,
        customFields: body.custom_fields,
      });
      return { conversation: presentConversation(conversation, principal) };
    },
  });

  operation(app, store, {
    name: 'conversations.delete',
    async handle({ store, principal }, body) {
      await deleteConversation(store, principal, body.id);
      return {};
    },
  });

  operation(app, store, {
    name: 'conversations.list',
    get: ConversationsListQuery,
    async handle({ store, principal }, body) {
      const page = await listConversations(store, principal, {
        ...listFilters(body),
        cursor: body.cursor,
        limit: body.limit,
        mode: body.mode,
      });
      return {
        conversations: page.conversations.map((conversation) => presentConversation(conversation, principal)),
        ...(page.nextCursor && { next_cursor: page.nextCursor }),
        ...(page.prevCursor && { prev_cursor: page.prevCursor }),
      };
    },
  });

  operation(app, store, {
    name: 'conversations.export',
    get: ConversationsExportQuery,
    async handle({ store, principal }, body) {
      const conversations = await exportConversations(store, principal, { ...listFilters(body), first: body.first });
      return { conversations: conversations.map((conversation) => presentConversation(conversation, principal)) };
    },
  });
}

type Range = { after?: string; before?: string };

/** The filters of a list or export, from a body (nested fields) or a query (dotted names). */
interface FilterFields {
  members?: string[];
  owned_by?: string[];
  rev_org?: string[];
  rev_orgs?: string[];
  group?: string[];
  is_spam?: boolean;
  is_frozen?: boolean;
  tags?: string[];
  stage?: { name?: string[] };
  modified_date?: Range;
  created_date?: Range;
  sort_by?: string[];
  'stage.name'?: string[];
  'modified_date.after'?: string;
  'modified_date.before'?: string;
  'created_date.after'?: string;
  'created_date.before'?: string;
}

function listFilters(body: FilterFields): ListConversationsInput {
  const range = (nested: Range | undefined, after: string | undefined, before: string | undefined): Range | undefined => {
    const merged = { ...nested, ...(after !== undefined && { after }), ...(before !== undefined && { before }) };
    return Object.keys(merged).length === 0 ? undefined : merged;
  };
  const revOrgs = body.rev_orgs ?? body.rev_org;
  const stages = body.stage?.name ?? body['stage.name'];
  const created = range(body.created_date, body['created_date.after'], body['created_date.before']);
  const modified = range(body.modified_date, body['modified_date.after'], body['modified_date.before']);
  const sort = body.sort_by?.[0];
  return {
    ...(body.members && { members: body.members }),
    ...(body.owned_by && { ownedBy: body.owned_by }),
    ...(revOrgs && { revOrgs }),
    ...(body.group && { groups: body.group }),
    ...(stages && { stages }),
    ...(body.is_spam !== undefined && { isSpam: body.is_spam }),
    ...(body.is_frozen !== undefined && { isFrozen: body.is_frozen }),
    ...(body.tags && { tags: body.tags }),
    ...(created && { created }),
    ...(modified && { modified }),
    ...(sort && { sortBy: sort.split(':')[0] as ConversationSortKey }),
  };
}
