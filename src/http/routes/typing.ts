import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { noteTyping } from '../../domain/typing.js';
import { presentUserSummary } from '../../present/users.js';
import type { EphemeralBus } from '../../realtime/ephemeral.js';
import { Id } from '../../schema/common.js';
import type { Store } from '../../store/index.js';
import { operation } from '../operation.js';

/** `chats.typing` (Confab addition): a `typing` event on the other members' streams, not stored. */
export function typingRoutes(app: FastifyInstance, store: Store, bus: EphemeralBus): void {
  operation(app, store, {
    name: 'chats.typing',
    addition: true,
    request: Type.Object({ id: Id }),
    response: Type.Object({}),
    async handle({ store, principal }, body) {
      const notice = await noteTyping(store, principal, body.id);
      if (notice && notice.recipients.length > 0) {
        await bus.publish({
          orgId: notice.orgId,
          recipients: notice.recipients,
          type: 'typing',
          data: {
            type: 'typing',
            timestamp: new Date().toISOString(),
            typing: { chat: notice.chat, user: presentUserSummary(principal.user, principal), expires_at: notice.expiresAt },
          },
        });
      }
      return {};
    },
  });
}
