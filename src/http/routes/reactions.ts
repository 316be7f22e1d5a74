import type { FastifyInstance } from 'fastify';
import { listReactions, updateReaction } from '../../domain/reactions.js';
import { presentUserSummary } from '../../present/users.js';
import {
  ReactionsListRequest,
  ReactionsListResponse,
  ReactionsUpdateRequest,
  ReactionsUpdateResponse,
} from '../../schema/reactions.js';
import type { Store } from '../../store/index.js';
import { operation } from '../operation.js';

export function reactionRoutes(app: FastifyInstance, store: Store): void {
  operation(app, store, {
    name: 'reactions.update',
    request: ReactionsUpdateRequest,
    response: ReactionsUpdateResponse,
    async handle({ store, principal }, body) {
      await updateReaction(store, principal, { object: body.object, emoji: body.emoji, action: body.action });
      return {};
    },
  });

  operation(app, store, {
    name: 'reactions.list',
    request: ReactionsListRequest,
    response: ReactionsListResponse,
    get: true,
    async handle({ store, principal }, body) {
      const page = await listReactions(store, principal, body);
      return {
        reactors: page.reactors.map((user) => presentUserSummary(user, principal)),
        ...(page.nextCursor && { next_cursor: page.nextCursor }),
      };
    },
  });
}
