/**
 * Validates response bodies against DevRev's contract (test/fixtures/devrev-contract.yaml,
 * a copy of shared/spec). The contract's unions are OpenAPI discriminators, which plain
 * JSON Schema `oneOf` gets wrong (a dev user matches all four user branches), so each
 * discriminated `oneOf` is rewritten into "if type is X then X's schema" before compiling.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

type Schema = Record<string, unknown>;

interface Contract {
  paths: Record<string, Record<string, { responses: Record<string, { $ref?: string; content?: Schema }> }>>;
  components: { responses: Record<string, { content: Schema }>; schemas: Record<string, Schema> };
}

const contract = parse(readFileSync(new URL('../fixtures/devrev-contract.yaml', import.meta.url), 'utf8')) as Contract;

function normalize(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalize);
  if (node === null || typeof node !== 'object') return node;
  const schema: Schema = {};
  for (const [key, value] of Object.entries(node)) schema[key] = normalize(value);
  const discriminator = schema.discriminator as { propertyName: string; mapping: Record<string, string> } | undefined;
  if (discriminator && Array.isArray(schema.oneOf)) {
    const { propertyName, mapping } = discriminator;
    delete schema.oneOf;
    const branches = Object.entries(mapping).map(([value, $ref]) => ({
      if: { properties: { [propertyName]: { const: value } }, required: [propertyName] },
      then: { $ref },
    }));
    schema.allOf = [...((schema.allOf as unknown[]) ?? []), ...branches];
  }
  delete schema.discriminator;
  // "No extra fields" sub-types are empty objects closed to additions; taken literally
  // they would reject the base fields (type, message) that the enclosing allOf adds.
  if (schema.additionalProperties === false && !schema.properties && schema.type === 'object') {
    delete schema.additionalProperties;
  }
  return schema;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
ajv.addFormat('id', true);
ajv.addFormat('text', true);
ajv.addSchema({ $id: 'contract', components: normalize(contract.components) } as Schema);

const compiled = new Map<string, ValidateFunction>();
function validatorFor(ref: string): ValidateFunction {
  let validate = compiled.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: `contract${ref}` });
    compiled.set(ref, validate);
  }
  return validate;
}

/** Errors every operation may answer even where an operation's entry does not list them. */
const GENERIC_ERRORS: Record<number, string> = {
  400: 'error-bad-request',
  401: 'error-unauthorized',
  403: 'error-forbidden',
  404: 'error-not-found',
  409: 'error-conflict',
  429: 'error-too-many-requests',
  500: 'error-internal-server-error',
  503: 'error-service-unavailable',
};

/** The schema ref a response must match, or undefined when the contract has none for it. */
export function responseSchemaRef(path: string, method: string, status: number): string | undefined {
  const operation = contract.paths[path]?.[method.toLowerCase()];
  const response = operation?.responses[String(status)];
  if (response) {
    const resolved = response.$ref
      ? contract.components.responses[response.$ref.split('/').pop()!]
      : (response as { content: Schema });
    // A response without content (auth-tokens.delete's 200) has no body at all.
    if (!resolved?.content) return NO_CONTENT;
    const schema = (resolved.content as { 'application/json': { schema: { $ref: string } } })['application/json'].schema;
    return schema.$ref.replace(/^#/, '#');
  }
  const generic = GENERIC_ERRORS[status];
  return generic ? `#/components/schemas/${generic}` : undefined;
}

export class ContractViolation extends Error {}

const NO_CONTENT = 'no content';

/** Throws unless `body` is what the contract says `method path` answers with `status`. */
export function assertMatchesContract(path: string, method: string, status: number, body: unknown): void {
  const ref = responseSchemaRef(path, method, status);
  if (!ref) {
    if (status >= 200 && status < 300 && !contract.paths[path]) {
      // A Confab endpoint DevRev does not have (e.g. /health): nothing to check against.
      return;
    }
    throw new ContractViolation(`the contract has no ${status} response for ${method} ${path}`);
  }
  if (ref === NO_CONTENT) {
    if (body !== undefined) throw new ContractViolation(`${method} ${path} → ${status} must have no body: ${JSON.stringify(body)}`);
    return;
  }
  const validate = validatorFor(ref);
  if (!validate(body)) {
    throw new ContractViolation(
      `${method} ${path} → ${status} does not match ${ref}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body, null, 2)}`,
    );
  }
}

export function assertMatchesSchema(ref: string, body: unknown): void {
  const validate = validatorFor(`#/components/schemas/${ref}`);
  if (!validate(body)) throw new ContractViolation(`${ref}: ${ajv.errorsText(validate.errors)}`);
}
