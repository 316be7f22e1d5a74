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
  const hint = hintFor(error);
  const known =
    hint !== undefined ||
    error instanceof DomainError ||
    error instanceof ConfigError ||
    error instanceof UnsupportedDatabaseUrl ||
    error instanceof FixtureError;
  const message = hint ?? (error instanceof Error ? error.message : String(error));
  if (json) {
    process.stdout.write(`${JSON.stringify({ error: { type: known ? (error as DomainError).kind ?? 'config' : 'internal_error', message } })}\n`);
  } else if (known) {
    process.stderr.write(`confab: ${message}\n`);
  } else {
    process.stderr.write(`confab: unexpected error: ${error instanceof Error ? (error.stack ?? message) : message}\n`);
  }
  process.exit(known ? 2 : 1);
}

/** System errors a user can fix, said with the fix. */
function hintFor(error: unknown): string | undefined {
  const { code, port, address } = (error ?? {}) as { code?: string; port?: number; address?: string };
  switch (code) {
    case 'EADDRINUSE':
      return `port ${port} on ${address} is already in use: stop the other server, or pick another port with --port (or PORT)`;
    case 'EACCES':
      return `not allowed to listen on port ${port}: use a port above 1023 with --port (or PORT)`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${address}: this machine has no such address; check --host (or HOST)`;
    case 'SQLITE_CANTOPEN':
      return 'cannot open the SQLite database file: check that --database-url (or DATABASE_URL) names a writable place';
    default:
      return undefined;
  }
}
