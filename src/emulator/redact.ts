/**
 * Secrets the request journal never keeps. They are named here, once, by field: wherever a
 * listed field appears in a recorded request or response body (nested objects and arrays
 * included), its value is recorded as "[redacted]". The journal records no headers, so no
 * `Authorization` either; a request without a valid token is not recorded at all.
 */
export const REDACTED = '[redacted]';

export interface SecretField {
  name: string;
  /** Only in these operations' bodies, where a common name (`url`, `token`) holds a secret. */
  operations?: readonly string[];
  /** Only somewhere under a field of this name (a token's `value` in fixtures' `tokens`). */
  within?: string;
}

export const SECRET_FIELDS: readonly SecretField[] = [
  // auth-tokens.create: the token it mints (also a customer's session token from `rev_info`).
  { name: 'access_token' },
  // webhooks.create / update / get / list: the signing secret, sent and shown back.
  { name: 'secret' },
  // webhooks: header values sent to the receiver, often its credentials (names stay).
  { name: 'value', within: 'headers' },
  // artifacts.prepare / locate: the signed upload and download links (a webhook's `url` is no secret).
  { name: 'url', operations: ['artifacts.prepare', 'artifacts.locate'] },
  // confab.orgs.create: the new admin's token, and the literal token values of its fixtures.
  { name: 'token', operations: ['confab.orgs.create'] },
  { name: 'value', within: 'tokens', operations: ['confab.orgs.create'] },
  // confab.import: an export's text, with token hashes and webhook secrets inside its lines.
  { name: 'data', operations: ['confab.import'] },
];

/** A copy of `value` with every secret field of `operation`'s bodies replaced by "[redacted]". */
export function redactSecrets(value: unknown, operation: string | undefined): unknown {
  const fields = secretFieldsOf(operation);
  return fields.length === 0 ? value : redactIn(value, fields, []);
}

/**
 * The same for a body's JSON text. Most bodies name no secret field: a look for the names
 * spares parsing them again.
 */
export function redactSecretsInJson(text: string, operation: string | undefined): string {
  const fields = secretFieldsOf(operation).filter((field) => text.includes(`"${field.name}"`));
  if (fields.length === 0) return text;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return REDACTED;
  }
  return JSON.stringify(redactIn(value, fields, []));
}

function secretFieldsOf(operation: string | undefined): SecretField[] {
  return SECRET_FIELDS.filter((field) => field.operations === undefined || (operation !== undefined && field.operations.includes(operation)));
}

function redactIn(value: unknown, fields: readonly SecretField[], ancestors: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((item) => redactIn(item, fields, ancestors));
  if (value === null || typeof value !== 'object') return value;
  // fromEntries defines own properties: a `__proto__` key stays data, never a prototype.
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => {
      const secret = fields.some((field) => field.name === key && (field.within === undefined || ancestors.includes(field.within)));
      return [key, secret ? REDACTED : redactIn(item, fields, [...ancestors, key])];
    }),
  );
}
