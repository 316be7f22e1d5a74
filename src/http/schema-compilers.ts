/**
 * Route schemas compile on first use, not at startup. Compiling every route's validators
 * and response serializers up front was about a quarter of an emulator's start (≈220 ms
 * of Ajv and fast-json-stringify on an idle 2-core machine), while a test suite's server
 * typically serves a handful of the routes. A route's first request pays for its own
 * schemas, once; every later one runs the same compiled functions as before.
 */
import type { FastifyServerOptions } from 'fastify';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import type { ValidateFunction } from 'ajv';
import { ajvFor } from './validation.js';

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
type ValidatorCompiler = ReturnType<NonNullable<CompilersFactory['buildValidator']>>;
type SerializerCompiler = ReturnType<SerializerSelector.SerializerFactory>;

const compileValidatorLazily: ValidatorCompiler = ({ schema, httpPart }) => {
  let validate: ValidateFunction | undefined;
  // Fastify reads `errors` off the function it was given, after a failed call.
  const validateLazily = Object.assign(
    (data: unknown) => {
      validate ??= ajvFor(httpPart).compile(schema);
      const valid = validate(data);
      validateLazily.errors = validate.errors;
      return valid;
    },
    { errors: null as ValidateFunction['errors'] },
  );
  return validateLazily as ReturnType<ValidatorCompiler>;
};

/** For Fastify's `schemaController.compilersFactory`. */
export const lazyCompilersFactory: CompilersFactory = {
  buildValidator: () => compileValidatorLazily,
  buildSerializer: (externalSchemas, options) => {
    const compile = SerializerSelector()(externalSchemas, options);
    const compileLazily: SerializerCompiler = (route) => {
      let serialize: ReturnType<SerializerCompiler> | undefined;
      return (data) => (serialize ??= compile(route))(data);
    };
    return compileLazily;
  },
};
