/**
 * Request validation: one Ajv for JSON bodies (no type coercion: a string where a
 * boolean belongs is an error, as in DevRev) and one for query strings (which are all
 * strings, so they are coerced, and a repeated parameter becomes an array).
 */
import type { FastifySchemaValidationError } from 'fastify/types/schema.js';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { BadRequest, type JsonTypeName } from '../domain/errors.js';

// ajv-formats ships CommonJS; its default export is the function under NodeNext.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function newAjv(coerceTypes: boolean | 'array'): Ajv {
  const ajv = new Ajv({ coerceTypes, useDefaults: true, removeAdditional: false, allErrors: false, verbose: true, strict: false });
  addFormats(ajv);
  return ajv;
}

const bodyAjv = newAjv(false);
const queryAjv = newAjv('array');

/** The Ajv that validates this part of a request (see schema-compilers.ts). */
export function ajvFor(httpPart: string | undefined): Ajv {
  return httpPart === 'querystring' ? queryAjv : bodyAjv;
}

/** Turns the first schema violation into DevRev's error for it. */
export function validationError(errors: readonly FastifySchemaValidationError[]): BadRequest {
  const error = errors[0] as ErrorObject | undefined;
  if (!error) return new BadRequest('bad_request', 'the request is invalid');
  const path = fieldPath(error.instancePath);
  switch (error.keyword) {
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      return BadRequest.missingField(path ? `${path}.${missing}` : missing);
    }
    case 'type': {
      const expected = jsonTypeName((error.params as { type: string }).type.split(',')[0]!);
      const actual = jsonTypeOf(error.data);
      return new BadRequest('unexpected_json_type', `${path || 'body'}: expected ${expected}, got ${actual}`, {
        fieldName: path || 'body',
        expected,
        actual,
      });
    }
    case 'enum':
    case 'const': {
      const allowed =
        error.keyword === 'enum'
          ? (error.params as { allowedValues: unknown[] }).allowedValues
          : [(error.params as { allowedValue: unknown }).allowedValue];
      const allowedValues = allowed.map(String);
      const value = typeof error.data === 'string' ? error.data : JSON.stringify(error.data);
      return new BadRequest('invalid_enum_value', `${path}: '${value}' is not one of ${allowedValues.join(', ')}`, {
        fieldName: path,
        value,
        allowedValues,
      });
    }
    default:
      return BadRequest.invalidField(path || 'body', error.message ?? 'is invalid');
  }
}

/** `/users/set/0` → `users.set[0]`, DevRev's way of naming a nested field. */
function fieldPath(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : path ? `${path}.${segment}` : segment), '');
}

function jsonTypeName(schemaType: string): JsonTypeName {
  switch (schemaType) {
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'bool';
    case 'array':
    case 'object':
    case 'string':
    case 'null':
      return schemaType;
    default:
      return 'object';
  }
}

function jsonTypeOf(value: unknown): JsonTypeName {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'boolean':
      return 'bool';
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    default:
      return 'object';
  }
}
