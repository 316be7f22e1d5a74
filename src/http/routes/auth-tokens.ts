import type { FastifyInstance } from 'fastify';
import { createAuthToken, deleteAuthToken, deleteOwnTokens, getAuthToken, getCurrentAuthToken, getTokenInfo, listAuthTokens, type TokenRules } from '../../domain/auth-tokens.js';
import type { Store } from '../../store/index.js';
import { operation } from '../operation.js';
import { presentAuthToken, presentTokenInfo } from '../../present/auth-tokens.js';

export function authTokenRoutes(app: FastifyInstance, store: Store, rules: TokenRules): void {
  operation(app, store, {
    name: 'auth-tokens.create',
    status: 201,
    async handle({ store, principal }, body) {
      const token = await createAuthToken(store, principal, {
        requestedTokenType: body.requested_token_type,
        actAs: body.act_as,
        expiresIn: body.expires_in,
        tokenHint: body.token_hint,
        revInfo: body.rev_info && {
          userRef: body.rev_info.user_ref,
          accountRef: body.rev_info.account_ref,
          workspaceRef: body.rev_info.workspace_ref,
          userTraits: body.rev_info.user_traits && {
            displayName: body.rev_info.user_traits.display_name,
            email: body.rev_info.user_traits.email,
            phoneNumbers: body.rev_info.user_traits.phone_numbers,
            customFields: body.rev_info.user_traits.custom_fields,
          },
          accountTraits: orgTraits(body.rev_info.account_traits),
          workspaceTraits: orgTraits(body.rev_info.workspace_traits),
        },
      }, rules);
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
    name: 'auth-tokens.info',
    get: true,
    async handle({ store, principal }) {
      return presentTokenInfo(await getTokenInfo(store, principal), principal);
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

function orgTraits(traits: { display_name?: string; domains?: string[]; custom_fields?: Record<string, unknown> } | undefined) {
  return traits && { displayName: traits.display_name, domains: traits.domains, customFields: traits.custom_fields };
}
