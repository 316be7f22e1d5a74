import type { FastifyInstance } from 'fastify';
import { createServiceAccount, getServiceAccount, updateServiceAccount } from '../../domain/service-accounts.js';
import type { Store } from '../../store/index.js';
import { operation } from '../operation.js';
import { presentServiceAccount } from '../../present/users.js';

export function serviceAccountRoutes(app: FastifyInstance, store: Store): void {
  operation(app, store, {
    name: 'service-accounts.create',
    status: 201,
    async handle({ store, principal }, body) {
      const account = await createServiceAccount(store, principal, body.display_name, body.gen_keyring);
      return { service_account: presentServiceAccount(account, principal) };
    },
  });

  operation(app, store, {
    name: 'service-accounts.get',
    get: true,
    async handle({ store, principal }, body) {
      return { service_account: presentServiceAccount(await getServiceAccount(store, principal, body.id), principal) };
    },
  });

  operation(app, store, {
    name: 'service-accounts.update',
    async handle({ store, principal }, body) {
      const account = await updateServiceAccount(store, principal, body.id, body.display_name);
      return { service_account: presentServiceAccount(account, principal) };
    },
  });
}
