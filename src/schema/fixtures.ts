/**
 * The emulator's fixture file as TypeBox schemas: what `confab serve --fixtures` reads
 * (emulator/fixtures.ts) and what `confab.orgs.create` takes for a tenant
 * (schema/emulator.ts), defined once for both.
 */
import { Type, type Static } from '@sinclair/typebox';
import { USER_STATES } from '../model/index.js';
import { StringEnum } from './common.js';

/** A name the file uses to refer to a user, group or chat of the same organization. */
const Ref = Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' });
const Refs = Type.Array(Ref, { maxItems: 1000 });

export const FixtureUser = Type.Object(
  {
    ref: Ref,
    type: StringEnum(['dev_user', 'rev_user', 'service_account'] as const),
    email: Type.String({ minLength: 3, maxLength: 256 }),
    display_name: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    full_name: Type.Optional(Type.String({ maxLength: 256 })),
    state: Type.Optional(StringEnum(USER_STATES.filter((state) => state !== 'deleted'))),
    admin: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const FixtureGroup = Type.Object(
  {
    ref: Ref,
    name: Type.String({ minLength: 1, maxLength: 256 }),
    description: Type.Optional(Type.String({ maxLength: 1024 })),
    member_type: Type.Optional(StringEnum(['dev_user', 'rev_user'] as const)),
    members: Type.Optional(Refs),
  },
  { additionalProperties: false },
);

export const FixtureChat = Type.Object(
  {
    ref: Type.Optional(Ref),
    /** Member users; the first is the chat's creator unless `created_by` says otherwise. */
    users: Type.Array(Ref, { minItems: 1, maxItems: 16 }),
    created_by: Type.Optional(Ref),
    title: Type.Optional(Type.String({ maxLength: 1024 })),
    is_default: Type.Optional(Type.Boolean()),
    groups: Type.Optional(Type.Array(Ref, { maxItems: 16 })),
    records: Type.Optional(Type.Array(Type.String(), { maxItems: 16 })),
    custom_fields: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);

export const FixtureMessage = Type.Object(
  {
    ref: Type.Optional(Ref),
    /** The `ref` of a chat of this organization. */
    chat: Ref,
    /** The `ref` of a member of that chat. */
    author: Ref,
    body: Type.String({ minLength: 1, maxLength: 65_536 }),
    external_ref: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    labels: Type.Optional(Type.Array(Type.String(), { maxItems: 16 })),
  },
  { additionalProperties: false },
);

export const FixtureToken = Type.Object(
  {
    user: Ref,
    /** The literal secret clients send as `Authorization: Bearer <value>`. */
    value: Type.String({ pattern: '^[A-Za-z0-9._~+/=-]{8,512}$' }),
    expires_at: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);

export const FixtureOrg = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256 }),
    /** Appears in every DON of the org (`devo/<slug>`); defaults to the name's letters and digits. */
    slug: Type.Optional(Type.String({ pattern: '^[a-z0-9]{1,32}$' })),
    users: Type.Optional(Type.Array(FixtureUser, { maxItems: 10_000 })),
    groups: Type.Optional(Type.Array(FixtureGroup, { maxItems: 1000 })),
    chats: Type.Optional(Type.Array(FixtureChat, { maxItems: 10_000 })),
    /** Messages, in file order (which is their order in each chat's timeline). */
    messages: Type.Optional(Type.Array(FixtureMessage, { maxItems: 100_000 })),
    tokens: Type.Optional(Type.Array(FixtureToken, { maxItems: 10_000 })),
  },
  { additionalProperties: false },
);

/** `confab.orgs.create`'s fixtures: one organization as in a fixtures file; its name may be left out. */
export const TenantFixtures = Type.Object(
  {
    ...FixtureOrg.properties,
    name: Type.Optional(FixtureOrg.properties.name),
  },
  { additionalProperties: false },
);
export type TenantFixtures = Static<typeof TenantFixtures>;

export const Fixtures = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    organizations: Type.Array(FixtureOrg, { minItems: 1, maxItems: 100 }),
  },
  { additionalProperties: false },
);
export type Fixtures = Static<typeof Fixtures>;
export type FixtureOrg = Static<typeof FixtureOrg>;
