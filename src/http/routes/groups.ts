import type { FastifyInstance } from 'fastify';
import {
  addGroupMember,
  createGroup,
  getGroup,
  listGroupMembers,
  listGroups,
  removeGroupMember,
  updateGroup,
} from '../../domain/groups.js';
import type { Store } from '../../store/index.js';
import { operation } from '../operation.js';
import { presentGroup } from '../../present/groups.js';
import { presentUserSummary } from '../../present/users.js';

export function groupRoutes(app: FastifyInstance, store: Store): void {
  operation(app, store, {
    name: 'groups.create',
    status: 201,
    async handle({ store, principal }, body) {
      const group = await createGroup(store, principal, {
        name: body.name,
        description: body.description,
        memberType: body.member_type,
        type: body.type,
      });
      return { group: presentGroup(group, principal) };
    },
  });

  operation(app, store, {
    name: 'groups.get',
    get: true,
    async handle({ store, principal }, body) {
      return { group: presentGroup(await getGroup(store, principal, body.id), principal) };
    },
  });

  operation(app, store, {
    name: 'groups.list',
    get: true,
    async handle({ store, principal }, body) {
      const page = await listGroups(store, principal, {
        cursor: body.cursor,
        limit: body.limit,
        memberType: body.member_type,
        name: body.name,
      });
      return {
        groups: page.items.map((group) => presentGroup(group, principal)),
        ...(page.nextCursor !== undefined && { next_cursor: page.nextCursor }),
      };
    },
  });

  operation(app, store, {
    name: 'groups.update',
    async handle({ store, principal }, body) {
      const group = await updateGroup(store, principal, body.id, { name: body.name, description: body.description });
      return { group: presentGroup(group, principal) };
    },
  });

  operation(app, store, {
    name: 'groups.members.add',
    async handle({ store, principal }, body) {
      await addGroupMember(store, principal, body.group, body.member);
      return {};
    },
  });

  operation(app, store, {
    name: 'groups.members.remove',
    async handle({ store, principal }, body) {
      await removeGroupMember(store, principal, body.group, body.member);
      return {};
    },
  });

  operation(app, store, {
    name: 'groups.members.list',
    get: true,
    async handle({ store, principal }, body) {
      const page = await listGroupMembers(store, principal, body);
      return {
        members: page.items.map((user) => ({ member: presentUserSummary(user, principal) })),
        ...(page.nextCursor !== undefined && { next_cursor: page.nextCursor }),
      };
    },
  });
}
