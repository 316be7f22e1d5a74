import { Type, type Static } from '@sinclair/typebox';

/** Statuses a fault can inject: the ones DevRev's clients must retry or report. */
export const FAULT_STATUSES = [429, 500, 503] as const;
export const MAX_FAULT_RULES = 100;
export const MAX_FAULT_DELAY_MS = 60_000;
export const MAX_RETRY_AFTER_SECONDS = 3600;

const FaultStatus = Type.Unsafe<(typeof FAULT_STATUSES)[number]>({ type: 'integer', enum: [...FAULT_STATUSES] });

export const FaultRule = Type.Object(
  {
    /** A DevRev operation (`chats.get`) or `*` for all of them. */
    operation: Type.String({ minLength: 1, maxLength: 128 }),
    status: Type.Optional(FaultStatus),
    retry_after: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_RETRY_AFTER_SECONDS })),
    delay_ms: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_FAULT_DELAY_MS })),
    /** Fail the next `count` matching calls, then the rule is spent. */
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    /** Fail this fraction of matching calls. */
    rate: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  },
  { additionalProperties: false },
);
export type FaultRule = Static<typeof FaultRule>;

export const FaultsSetRequest = Type.Object({ rules: Type.Array(FaultRule, { maxItems: MAX_FAULT_RULES }) });
export const FaultsResponse = Type.Object({ rules: Type.Array(FaultRule) });
export const FaultsEmpty = Type.Object({});
