import type { FastifyInstance } from 'fastify';
import { createChat, getChat, leaveChat, updateChat } from '../../domain/chats.js';
import { ChatsGetQuery } from '../../schema/chats.js';
import type { Store } from '../../store/index.js';
import { operation } from '../operation.js';
import { presentChat } from '../../present/chats.js';

export function chatRoutes(app: FastifyInstance, store: Store): void {
  operation(app, store, {
    name: 'chats.create',
    // DevRev documents only 201 for chats.create, so get_if_conflict answers 201 too.
    status: 201,
    async handle({ store, principal }, body) {
      const { chat } = await createChat(store, principal, {
        users: body.users,
        isDefault: body.is_default,
        getIfConflict: body.get_if_conflict,
        title: body.title,
        records: body.records,
        groups: body.groups,
        customFields: body.custom_fields,
      });
      return { chat: presentChat(chat, principal) };
    },
  });

  operation(app, store, {
    name: 'chats.get',
    get: ChatsGetQuery,
    async handle({ store, principal }, body) {
      const chat = await getChat(store, principal, body);
      return { chat: presentChat(chat, principal) };
    },
  });

  operation(app, store, {
    name: 'chats.update',
    async handle({ store, principal }, body) {
      const chat = await updateChat(store, principal, {
        id: body.id,
        title: body.title,
        users: body.users?.set,
        records: body.records?.set,
        groups: body.groups?.set,
        customFields: body.custom_fields,
      });
      return { chat: presentChat(chat, principal) };
    },
  });

  operation(app, store, {
    name: 'chats.leave',
    addition: true,
    description: 'The caller leaves a chat of three or more users that is not a default DM. A Confab addition: DevRev has no way to leave a chat.',
    async handle({ store, principal }, body) {
      await leaveChat(store, principal, body.id);
      return {};
    },
  });
}
