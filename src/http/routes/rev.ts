import type { FastifyInstance } from 'fastify';
import { createRevOrg, deleteRevOrg, getRevOrg, listRevOrgs, updateRevOrg } from '../../domain/rev-orgs.js';
import { createRevUser, deleteRevUser, getRevUser, listRevUsers, updateRevUser } from '../../domain/rev-users.js';
import type { Store } from '../../store/index.js';
import { operation } from '../operation.js';
import { presentRevOrg } from '../../present/rev-orgs.js';
import { presentRevUser } from '../../present/users.js';

export function revRoutes(app: FastifyInstance, store: Store): void {
  operation(app, store, {
    name: 'rev-orgs.create',
    status: 201,
    async handle({ store, principal }, body) {
      const revOrg = await createRevOrg(store, principal, { displayName: body.display_name, externalRef: body.external_ref });
      return { rev_org: presentRevOrg(revOrg, principal) };
    },
  });

  operation(app, store, {
    name: 'rev-orgs.get',
    get: true,
    async handle({ store, principal }, body) {
      return { rev_org: presentRevOrg(await getRevOrg(store, principal, body.id), principal) };
    },
  });

  operation(app, store, {
    name: 'rev-orgs.list',
    get: true,
    async handle({ store, principal }, body) {
      const page = await listRevOrgs(store, principal, {
        cursor: body.cursor,
        limit: body.limit,
        externalRef: body.external_ref,
        displayName: body.display_name,
      });
      return {
        rev_orgs: page.items.map((revOrg) => presentRevOrg(revOrg, principal)),
        ...(page.nextCursor !== undefined && { next_cursor: page.nextCursor }),
      };
    },
  });

  operation(app, store, {
    name: 'rev-orgs.update',
    async handle({ store, principal }, body) {
      const revOrg = await updateRevOrg(store, principal, body.id, { displayName: body.display_name, externalRef: body.external_ref });
      return { rev_org: presentRevOrg(revOrg, principal) };
    },
  });

  operation(app, store, {
    name: 'rev-orgs.delete',
    async handle({ store, principal }, body) {
      await deleteRevOrg(store, principal, body.id);
      return {};
    },
  });

  operation(app, store, {
    name: 'rev-users.create',
    status: 201,
    async handle({ store, principal }, body) {
      const user = await createRevUser(store, principal, {
        displayName: body.display_name,
        email: body.email,
        externalRef: body.external_ref,
        revOrg: body.rev_org,
      });
      return { rev_user: presentRevUser(user, principal) };
    },
  });

  operation(app, store, {
    name: 'rev-users.get',
    get: true,
    async handle({ store, principal }, body) {
      return { rev_user: presentRevUser(await getRevUser(store, principal, body.id), principal) };
    },
  });

  operation(app, store, {
    name: 'rev-users.list',
    get: true,
    async handle({ store, principal }, body) {
      const page = await listRevUsers(store, principal, {
        cursor: body.cursor,
        limit: body.limit,
        email: body.email,
        externalRef: body.external_ref,
        revOrg: body.rev_org,
      });
      return {
        rev_users: page.items.map((user) => presentRevUser(user, principal)),
        ...(page.nextCursor !== undefined && { next_cursor: page.nextCursor }),
      };
    },
  });

  operation(app, store, {
    name: 'rev-users.update',
    async handle({ store, principal }, body) {
      const user = await updateRevUser(store, principal, body.id, {
        displayName: body.display_name,
        email: body.email,
        externalRef: body.external_ref,
        displayPicture: body.display_picture,
      });
      return { rev_user: presentRevUser(user, principal) };
    },
  });

  operation(app, store, {
    name: 'rev-users.delete',
    async handle({ store, principal }, body) {
      await deleteRevUser(store, principal, body.id);
      return {};
    },
  });
}
