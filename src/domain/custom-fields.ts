/** DevRev's `custom_fields`: free-form, bounded in size, updated key by key. */
import { BadRequest } from './errors.js';

/** Serialized custom fields beyond this are refused: they are stored and returned whole. */
export const MAX_CUSTOM_FIELDS_BYTES = 16 * 1024;

export function checkCustomFields(fields: Record<string, unknown>, fieldName = 'custom_fields'): Record<string, unknown> {
  if (JSON.stringify(fields).length > MAX_CUSTOM_FIELDS_BYTES) {
    throw BadRequest.invalidField(fieldName, `at most ${MAX_CUSTOM_FIELDS_BYTES} bytes of custom fields`);
  }
  return fields;
}

/** DevRev updates custom fields key by key; a null value removes the key. */
export function mergeCustomFields(
  current: Record<string, unknown> | null,
  changes: Record<string, unknown>,
  fieldName = 'custom_fields',
): Record<string, unknown> | null {
  const merged: Record<string, unknown> = { ...(current ?? {}) };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return Object.keys(merged).length === 0 ? null : checkCustomFields(merged, fieldName);
}
