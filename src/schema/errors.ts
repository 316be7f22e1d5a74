import { Type, type Static } from '@sinclair/typebox';

/** Every DevRev error body: `type` names the error; the other fields depend on it. */
export const ErrorBody = Type.Object(
  {
    type: Type.String(),
    message: Type.String(),
    detail: Type.Optional(Type.String()),
    field_name: Type.Optional(Type.String()),
    value: Type.Optional(Type.String()),
    allowed_values: Type.Optional(Type.Array(Type.String())),
    expected: Type.Optional(Type.String()),
    actual: Type.Optional(Type.String()),
    reason: Type.Optional(Type.String()),
    retry_after: Type.Optional(Type.Integer()),
    reference_id: Type.Optional(Type.String()),
    existing_parent: Type.Optional(Type.String()),
    is_same: Type.Optional(Type.Boolean()),
  },
  { $id: 'error' },
);
export type ErrorBody = Static<typeof ErrorBody>;
