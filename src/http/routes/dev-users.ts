import type { FastifyInstance } from 'fastify';
import {
  activateDevUser,
  createDevUser,
  deactivateDevUser,
  getDevUser,
  listDevUsers,
  updateDevUser,
  updateSelf,
} from '../../domain/dev-users.js';
import { Forbidden } from '../../domain/errors.js';
import type { Principal } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import { operation } from '../operation.js';
import { presentDevUser } from '../../present/users.js';
import { viewOf } from '../../present/viewpoint.js';

export function devUserRoutes(app: FastifyInstance, store: Store): void {
  operation(app, store, {
    name: 'dev-users.self',
    get: true,
    async handle({ principal }) {
      requireDevUser(principal, 'dev-users.self');
      return { dev_user: presentDevUser(principal.user, principal) };
    },
  });

  operation(app, store, {
    name: 'dev-users.create',
    status: 201,
    async handle({ store, principal }, body) {
      const user = await createDevUser(store, principal, {
        email: body.email,
        state: body.state,
        fullName: body.full_name,
        displayName: body.display_name,
      });
      return { dev_user: presentDevUser(user, principal) };
    },
  });

  operation(app, store, {
    name: 'dev-users.get',
    get: true,
    async handle({ store, principal }, body) {
      const user = await getDevUser(store, principal, body.id);
      return { dev_user: presentDevUser(user, await viewOf(store, principal, [user])) };
    },
  });

  operation(app, store, {
    name: 'dev-users.list',
    get: true,
    async handle({ store, principal }, body) {
      const page = await listDevUsers(store, principal, body);
      return {
        dev_users: page.items.map((user) => presentDevUser(user, principal)),
        ...(page.nextCursor !== undefined && { next_cursor: page.nextCursor }),
      };
    },
  });

  operation(app, store, {
    name: 'dev-users.update',
    async handle({ store, principal }, body) {
      const user = await updateDevUser(store, principal, body.id, {
        displayName: body.display_name,
        fullName: body.full_name,
        displayPicture: body.display_picture,
      });
      return { dev_user: presentDevUser(user, principal) };
    },
  });

  operation(app, store, {
    name: 'dev-users.self.update',
    async handle({ store, principal }, body) {
      requireDevUser(principal, 'dev-users.self.update');
      const user = await updateSelf(store, principal, {
        displayName: body.display_name,
        fullName: body.full_name,
        displayPicture: body.display_picture,
      });
      return { dev_user: presentDevUser(user, principal) };
    },
  });

  operation(app, store, {
    name: 'dev-users.deactivate',
    async handle({ store, principal }, body) {
      await deactivateDevUser(store, principal, body.id);
      return {};
    },
  });

  operation(app, store, {
    name: 'dev-users.activate',
    async handle({ store, principal }, body) {
      await activateDevUser(store, principal, body.id);
      // Confab sends no email: there is no invite to send.
      return { invite_sent: false };
    },
  });
}

function requireDevUser(principal: Principal, operationName: string): void {
  if (principal.user.type !== 'dev_user') throw new Forbidden(`${operationName} is for dev users; this token is not one`);
}
