import type { FastifyInstance } from 'fastify';
import { listPresence } from '../../domain/presence.js';
import { viewOf } from '../../present/viewpoint.js';
import { presentPresence } from '../../present/presence.js';
import type { Store } from '../../store/index.js';
import { operation } from '../operation.js';

/** `presence.list` (Confab addition): who of these users is online now. GET and POST, like every read. */
export function presenceRoutes(app: FastifyInstance, store: Store): void {
  operation(app, store, {
    name: 'presence.list',
    addition: true,
    get: true,
    async handle({ store, principal }, body) {
      const items = await listPresence(store, principal, body.users);
      const view = await viewOf(store, principal, items.map((item) => item.user));
      return { presence: items.map((item) => presentPresence(item, view)) };
    },
  });
}
