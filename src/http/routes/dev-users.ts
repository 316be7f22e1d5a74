import type { FastifyInstance } from 'fastify';
import { Forbidden } from '../../domain/errors.js';
import { DevUsersSelfResponse, Empty } from '../../schema/users.js';
import type { Store } from '../../store/index.js';
import { operation } from '../operation.js';
import { presentDevUser } from '../present.js';

export function devUserRoutes(app: FastifyInstance, store: Store): void {
  operation(app, store, {
    name: 'dev-users.self',
    request: Empty,
    response: DevUsersSelfResponse,
    get: true,
    async handle({ principal }) {
      if (principal.user.type !== 'dev_user') throw new Forbidden('dev-users.self is for dev users; this token is not one');
      return { dev_user: presentDevUser(principal.user, principal.org) };
    },
  });
}
