/**
 * The emulator's fixture file: a declarative description of the state a test suite starts
 * from. Everything that appears on the wire is fixed by the file — org slugs (and so every
 * DON), numbering (users, groups and chats are numbered in file order) and token values —
 * so tests can hardcode ids and tokens.
 */
import { readFile } from 'node:fs/promises';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { Fixtures, type FixtureOrg } from '../schema/fixtures.js';

/** A fixture file that cannot be loaded; the message names the file, the place and the fix. */
export class FixtureError extends Error {}

// ajv-formats ships CommonJS; its default export is the function under NodeNext.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
let compiled: ValidateFunction<Fixtures> | undefined;

/** Compiled when fixtures are first read, not at startup: most servers have none. */
function fixturesValidator(): ValidateFunction<Fixtures> {
  compiled ??= addFormats(new Ajv({ allErrors: false, strict: false })).compile<Fixtures>(Fixtures);
  return compiled;
}

export async function readFixtures(path: string): Promise<Fixtures> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new FixtureError(`cannot read fixtures file ${path}: ${(error as Error).message}; check the --fixtures path`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new FixtureError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseFixtures(data, path);
}

export function parseFixtures(data: unknown, source = 'fixtures'): Fixtures {
  const validateFixtures = fixturesValidator();
  if (!validateFixtures(data)) throw new FixtureError(`${source}: ${describe(validateFixtures.errors?.[0])}`);
  return data;
}

function describe(error: ErrorObject | undefined): string {
  if (!error) return 'is not a valid fixtures document';
  const at = error.instancePath
    .split('/')
    .slice(1)
    .reduce((path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : path ? `${path}.${segment}` : segment), '');
  const where = at || 'the top level';
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty: string }).additionalProperty;
    return `${where} has an unknown field '${extra}' (see "Developer tools" in the README for the fixture format)`;
  }
  if (error.keyword === 'required') {
    return `${where} needs the field '${(error.params as { missingProperty: string }).missingProperty}'`;
  }
  return `${where} ${error.message ?? 'is invalid'}`;
}
