import type { FastifyInstance } from 'fastify';
import { createAuthToken, deleteAuthToken, deleteOwnTokens, getAuthToken, getCurrentAuthToken, listAuthTokens } from '../../domain/auth-tokens.js';
import type { Store } from '../../store/index.js';
import { operation } from '../operation.js';
import { presentAuthToken } from '../../present/auth-tokens.js';

export function authTokenRoutes(app: FastifyInstance, store: Store): void {
  operation(app, store, {
    name: 'auth-tokens.create',
    status: 201,
    async handle({ store, principal }, body) {
      const token = await createAuthToken(store, principal, {
        requestedTokenType: body.requested_token_type,
        actAs: body.act_as,
        expiresIn: body.expires_in,
        tokenHint: body.token_hint,
      });
      return { access_token: token.accessToken, expires_in: token.expiresIn, token_type: 'bearer' as const };
    },
  });

  operation(app, store, {
    name: 'auth-tokens.get',
    get: true,
    async handle({ store, principal }, body) {
      return { token: presentAuthToken(await getAuthToken(store, principal, body.token_id), principal) };
    },
  });

  operation(app, store, {
    name: 'auth-tokens.list',
    get: true,
    async handle({ store, principal }, body) {
      const tokens = await listAuthTokens(store, principal, { subject: body.subject, requestedTokenType: body.requested_token_type });
      return { tokens: tokens.map((token) => presentAuthToken(token, principal)) };
    },
  });

  operation(app, store, {
    name: 'auth-tokens.delete',
    noContent: true,
    async handle({ store, principal }, body) {
      await deleteAuthToken(store, principal, body.token_id);
      return {};
    },
  });

  operation(app, store, {
    name: 'auth-tokens.self.delete',
    noContent: true,
    async handle({ store, principal }, body) {
      await deleteOwnTokens(store, principal, body.requested_token_type);
      return {};
    },
  });

  operation(app, store, {
    name: 'auth-tokens.current',
    addition: true,
    get: true,
    description: 'The token this request carries, as auth-tokens.get answers it. A Confab addition: a console marks its own token with it.',
    async handle({ store, principal }) {
      return { token: presentAuthToken(await getCurrentAuthToken(store, principal), principal) };
    },
  });
}
