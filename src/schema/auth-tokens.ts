import { Type } from '@sinclair/typebox';
import { Id, StringEnum, Timestamp, UserSummary, UserType } from './common.js';

/** DevRev's full list, so that an unknown type is `invalid_enum_value` and a known but unsupported one `value_not_permitted`. */
const REQUESTED_TOKEN_TYPES = [
  'urn:devrev:params:oauth:token-type:aat',
  'urn:devrev:params:oauth:token-type:aat:act-as',
  'urn:devrev:params:oauth:token-type:aat:public',
  'urn:devrev:params:oauth:token-type:dev',
  'urn:devrev:params:oauth:token-type:dev:connect',
  'urn:devrev:params:oauth:token-type:gat',
  'urn:devrev:params:oauth:token-type:pat',
  'urn:devrev:params:oauth:token-type:pat:act-as',
  'urn:devrev:params:oauth:token-type:rat',
  'urn:devrev:params:oauth:token-type:rev',
  'urn:devrev:params:oauth:token-type:session',
  'urn:devrev:params:oauth:token-type:session:dev0',
  'urn:devrev:params:oauth:token-type:session:onetime',
  'urn:devrev:params:oauth:token-type:session:rev:act-as',
  'urn:devrev:params:oauth:token-type:super',
  'urn:devrev:params:oauth:token-type:sys',
  'urn:ietf:params:oauth:token-type:jwt',
] as const;
const RequestedTokenType = StringEnum(REQUESTED_TOKEN_TYPES);

const Text = Type.String({ maxLength: 256 });
const CustomFields = Type.Record(Type.String({ maxLength: 256 }), Type.Unknown());

/** DevRev's `auth-tokens-user-traits`: what Plug's sign-in sets on the customer. */
const UserTraits = Type.Object({
  display_name: Type.Optional(Text),
  email: Type.Optional(Text),
  phone_numbers: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 16 })),
  custom_fields: Type.Optional(CustomFields),
});

/** DevRev's account and workspace traits; Confab keeps a rev org's name and custom fields (README "Plug sign-in"). */
const OrgTraits = Type.Object({
  display_name: Type.Optional(Text),
  domains: Type.Optional(Type.Array(Text, { maxItems: 16 })),
  custom_fields: Type.Optional(CustomFields),
});

/** DevRev's `auth-tokens-rev-info`: the customer a session token is for, found or made by reference. */
export const AuthTokensRevInfo = Type.Object({
  user_ref: Type.Optional(Text),
  account_ref: Type.Optional(Text),
  workspace_ref: Type.Optional(Text),
  user_traits: Type.Optional(UserTraits),
  account_traits: Type.Optional(OrgTraits),
  workspace_traits: Type.Optional(OrgTraits),
});

export const AuthTokensCreateRequest = Type.Object({
  requested_token_type: Type.Optional(RequestedTokenType),
  act_as: Type.Optional(Id),
  expires_in: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295 })),
  token_hint: Type.Optional(Type.String({ maxLength: 256 })),
  rev_info: Type.Optional(AuthTokensRevInfo),
});

export const AuthTokensCreateResponse = Type.Object({
  access_token: Type.String(),
  expires_in: Type.Integer(),
  token_type: Type.Literal('bearer'),
});

export const AuthToken = Type.Object({
  id: Type.String(),
  display_id: Type.String(),
  created_by: Type.Optional(UserSummary),
  created_date: Timestamp,
  issued_at: Timestamp,
  expires_at: Type.Optional(Timestamp),
  requested_token_type: Type.Optional(RequestedTokenType),
  status: StringEnum(['active', 'expired', 'revoked'] as const),
  subject: Type.String(),
  token_hint: Type.Optional(Type.String()),
});

export const AuthTokensGetRequest = Type.Object({ token_id: Id });
export const AuthTokensGetResponse = Type.Object({ token: AuthToken });

export const AuthTokensListRequest = Type.Object({
  subject: Type.Optional(Id),
  requested_token_type: Type.Optional(RequestedTokenType),
});
export const AuthTokensListResponse = Type.Object({ tokens: Type.Array(AuthToken) });

export const AuthTokensDeleteRequest = Type.Object({ token_id: Type.Optional(Id) });
export const AuthTokensSelfDeleteRequest = Type.Object({ requested_token_type: Type.Optional(RequestedTokenType) });

export const AuthTokensInfoRequest = Type.Object({});
/** DevRev's `auth-tokens-info-response`: the calling token's organization, user and claims (times in seconds since the epoch). */
export const AuthTokensInfoResponse = Type.Object({
  organization: Type.Object({ id: Type.String(), display_id: Type.String(), slug: Type.String() }),
  user: Type.Object({
    type: UserType,
    id: Type.String(),
    display_id: Type.String(),
    display_name: Type.Optional(Type.String()),
    email: Type.Optional(Type.String()),
    full_name: Type.Optional(Type.String()),
  }),
  token: Type.Object({ expiry: Type.Integer(), issued_at: Type.Integer(), issuer: Type.String(), subject: Type.String() }),
});
