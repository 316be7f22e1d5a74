/** How commands speak: human text by default, one JSON document with --json. */
import { DomainError } from '../domain/errors.js';
import { ConfigError } from '../config.js';
import { FixtureError } from '../emulator/fixtures.js';
import { UnsupportedDatabaseUrl } from '../store/open.js';

export function print(json: boolean, value: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${text}\n`);
}

/** Errors a user can act on are one line that says what to do; anything else is a bug. */
export function fail(error: unknown, json: boolean): never {
  const known =
    error instanceof DomainError || error instanceof ConfigError || error instanceof UnsupportedDatabaseUrl || error instanceof FixtureError;
  const message = error instanceof Error ? error.message : String(error);
  if (json) {
    process.stdout.write(`${JSON.stringify({ error: { type: known ? (error as DomainError).kind ?? 'config' : 'internal_error', message } })}\n`);
  } else if (known) {
    process.stderr.write(`confab: ${message}\n`);
  } else {
    process.stderr.write(`confab: unexpected error: ${error instanceof Error ? (error.stack ?? message) : message}\n`);
  }
  process.exit(known ? 2 : 1);
}
