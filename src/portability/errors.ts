/**
 * What stops an import, always with the line it stopped at. The batch that line is in is
 * rolled back whole; batches before it stay imported, and running the import again goes
 * on from there.
 */
import { BadRequest, Conflict, Forbidden, truncate } from '../domain/errors.js';

/** A line that is not a valid record, or refers to something that is nowhere. */
export class ImportError extends BadRequest {
  constructor(
    readonly line: number,
    problem: string,
  ) {
    super('invalid_field', `line ${line}: ${problem}`, { fieldName: 'data' });
  }
}

/** A record of an organization the importer may not write to (a tenant's admin naming another). */
export class ImportForbidden extends Forbidden {
  constructor(
    readonly line: number,
    problem: string,
  ) {
    super(`line ${line}: ${problem}`);
  }
}

/** A record whose key the database already holds with other data. */
export class ImportConflict extends Conflict {
  constructor(
    readonly line: number,
    problem: string,
  ) {
    super(`line ${line}: ${problem}`);
  }
}

/** Which field of two records with the same key differs first, said briefly. */
export function describeDifference(existing: Record<string, unknown>, incoming: Record<string, unknown>): string {
  const fields = [...new Set([...Object.keys(existing), ...Object.keys(incoming)])];
  const field = fields.find((name) => JSON.stringify(existing[name]) !== JSON.stringify(incoming[name]));
  if (field === undefined) return 'its data differs';
  const show = (value: unknown) => (value === undefined ? 'nothing' : truncate(JSON.stringify(value), 48));
  return `${field} is ${show(existing[field])} in the database and ${show(incoming[field])} in the file`;
}
