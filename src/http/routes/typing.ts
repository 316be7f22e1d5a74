import type { FastifyInstance } from 'fastify';
import { noteTyping } from '../../domain/typing.js';
import type { EphemeralBus } from '../../realtime/ephemeral.js';
import type { Store } from '../../store/index.js';
import { operation } from '../operation.js';

/** `chats.typing` (Confab addition): a `typing` event on the other members' streams, not stored. */
export function typingRoutes(app: FastifyInstance, store: Store, bus: EphemeralBus): void {
  operation(app, store, {
    name: 'chats.typing',
    addition: true,
    async handle({ store, principal }, body) {
      const notice = await noteTyping(store, principal, body.id);
      if (notice && notice.recipients.length > 0) {
        const { orgId, recipients, chat, expiresAt } = notice;
        await bus.publish({ orgId, recipients, type: 'typing', user: principal.user, chat, expiresAt, timestamp: new Date().toISOString() });
      }
      return {};
    },
  });
}
