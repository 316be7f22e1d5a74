#!/usr/bin/env node
/** The `confab` command line. Every command honours DATABASE_URL and takes --json. */
import { Command, Option } from 'commander';
import { loadConfig } from '../config.js';
import { formatDisplayId, formatDon, formatOrgDon } from '../domain/ids.js';
import { USER_TYPES, type Org, type User } from '../model/index.js';
import { createUser, findUserByRef, initOrg, pickOrg } from '../domain/orgs.js';
import { issueToken } from '../domain/tokens.js';
import { MEMORY_DATABASE_URL, readFixtures, type LoadedOrg } from '../emulator/index.js';
import type { RootStore } from '../store/index.js';
import { openStore } from '../store/open.js';
import { fail, print } from './output.js';
import { progress } from './progress.js';
import { runExport, runImport, type ExportFlags, type ImportFlags } from './portability.js';
import { presentUserSummary } from '../present/users.js';
import { orgView } from '../present/viewpoint.js';
import { CONFAB_VERSION } from '../http/version.js';

const program = new Command('confab')
  .description('Confab: a chat service that speaks DevRev\'s Chats API')
  .version(CONFAB_VERSION, '-V, --version', 'print the version')
  .showHelpAfterError('(run `confab --help` for the commands)');

const databaseOption = () => new Option('--database-url <url>', 'database to use').env('DATABASE_URL');

program
  .command('serve')
  .description('run the API server (applies pending migrations first)')
  .option('--port <port>', 'port to listen on (PORT, default 8080)')
  .option('--host <host>', 'address to listen on (HOST, default 127.0.0.1)')
  .addOption(databaseOption())
  .option('--faults', 'enable switchable faults for client testing (CONFAB_FAULTS=1)')
  .option('--memory', `use a throwaway in-memory database (${MEMORY_DATABASE_URL})`)
  .option('--fixtures <file>', 'emulator mode: load this fixtures file (needs --memory) and enable POST /confab.reset')
  .option('--journal', 'record every request for /confab.requests.* (CONFAB_JOURNAL=1; always on with --memory)')
  .option('--json', 'announce the start as one JSON line ({"url", "ready_ms"})')
  .action(
    async (flags: {
      port?: string;
      host?: string;
      databaseUrl?: string;
      faults?: boolean;
      memory?: boolean;
      fixtures?: string;
      journal?: boolean;
      json?: boolean;
    }) => {
      const started = performance.now();
      try {
        const config = loadConfig({ ...flags, databaseUrl: flags.memory ? MEMORY_DATABASE_URL : flags.databaseUrl });
        const fixtures = flags.fixtures === undefined ? undefined : await readFixtures(flags.fixtures);
        // An emulator serves a test suite: per-request logs would only drown its output.
        if (fixtures && process.env.LOG_LEVEL === undefined) config.logLevel = 'warn';
        // Loaded here so that the other commands do not pay for the HTTP stack and the logger.
        const [{ startServer }, { createLogger }, { announceFirstRun }] = await Promise.all([
          import('../server.js'),
          import('./logger.js'),
          import('./first-start.js'),
        ]);
        const logger = createLogger(config.logLevel);
        const server = await startServer(config, logger, {
          fixtures,
          onFixtureProgress: flags.json ? undefined : progress('loading fixtures'),
        });
        const readyMs = Math.round(performance.now() - started);
        if (flags.json) print(true, { url: server.url, ready_ms: readyMs, emulator: !!server.emulator }, '');
        else if (server.emulator) announceEmulator(server.url, readyMs, server.emulator.loaded);
        if (server.firstRun) await announceFirstRun(server.url, server.firstRun, logger, { tokenFile: config.adminTokenFile });
        // The first signal drains (in-flight requests finish, new ones get 503) and closes
        // the database; a second one, from an impatient operator, exits at once.
        let stopping = false;
        const shutdown = async (signal: string) => {
          if (stopping) process.exit(1);
          stopping = true;
          server.app.log.info({ signal, deadlineMs: config.shutdownTimeoutMs }, 'shutting down');
          const finished = await server.close().catch((error: unknown) => {
            server.app.log.error({ err: error }, 'shutdown failed');
            return false;
          });
          server.app.log.info({ finished }, finished ? 'shut down cleanly' : 'shut down at the deadline');
          process.exit(finished ? 0 : 1);
        };
        process.on('SIGTERM', () => void shutdown('SIGTERM'));
        process.on('SIGINT', () => void shutdown('SIGINT'));
      } catch (error) {
        fail(error, !!flags.json);
      }
    },
  );

program
  .command('init')
  .description('create an organization with an admin dev user and print its API token')
  .requiredOption('--org <name>', 'the organization\'s name')
  .requiredOption('--email <email>', 'the admin\'s email')
  .option('--json', 'print JSON')
  .addOption(databaseOption())
  .action(async (flags: { org: string; email: string; json?: boolean; databaseUrl?: string }) =>
    withStore(flags, async (store) => {
      const { org, user, token, expiresAt } = await initOrg(store, flags.org, flags.email);
      print(
        !!flags.json,
        { org: presentOrg(org), user: presentUserSummary(user, orgView(org)), token, expires_at: expiresAt },
        `Created organization ${org.name} (${org.slug}) with admin ${user.email} (${formatDisplayId(user.type, user.number)}).\nAPI token (shown once, expires ${expiresAt}): ${token}`,
      );
    }),
  );

const users = program.command('users').description('manage users');
users
  .command('create')
  .description('create a user in an organization')
  .addOption(new Option('--type <type>', 'user type').choices(USER_TYPES.filter((type) => type !== 'sys_user')).makeOptionMandatory())
  .requiredOption('--email <email>', 'email address')
  .requiredOption('--display-name <name>', 'display name')
  .option('--full-name <name>', 'full name')
  .option('--org <org>', 'organization slug or name (needed when there are several)')
  .option('--json', 'print JSON')
  .addOption(databaseOption())
  .action(
    async (flags: {
      type: (typeof USER_TYPES)[number];
      email: string;
      displayName: string;
      fullName?: string;
      org?: string;
      json?: boolean;
      databaseUrl?: string;
    }) =>
      withStore(flags, async (store) => {
        const org = await pickOrg(store, flags.org);
        const user = await createUser(store, org, {
          type: flags.type,
          email: flags.email,
          displayName: flags.displayName,
          fullName: flags.fullName,
        });
        print(!!flags.json, { user: presentUserSummary(user, orgView(org)) }, `Created ${describeUser(user, org)}`);
      }),
  );

const tokens = program.command('tokens').description('manage API tokens');
tokens
  .command('create')
  .description('create an API token for a user')
  .requiredOption('--user <id>', 'the user\'s id or display id (e.g. DEVU-2)')
  .option('--org <org>', 'organization slug or name (needed for a display id when there are several)')
  .option('--json', 'print JSON')
  .addOption(databaseOption())
  .action(async (flags: { user: string; org?: string; json?: boolean; databaseUrl?: string }) =>
    withStore(flags, async (store) => {
      const org = await orgOfUserRef(store, flags.user, flags.org);
      const user = await findUserByRef(store, org, flags.user);
      const { secret, expiresAt } = await issueToken(store, user);
      print(!!flags.json, { token: secret, expires_at: expiresAt }, `API token for ${describeUser(user, org)} (shown once, expires ${expiresAt}):\n${secret}`);
    }),
  );

program
  .command('migrate')
  .description('apply pending database migrations')
  .option('--json', 'print JSON')
  .addOption(databaseOption())
  .action(async (flags: { json?: boolean; databaseUrl?: string }) =>
    withStore({ ...flags, skipMigrate: true }, async (store) => {
      const applied = await store.migrate(progress('applying migrations'));
      print(
        !!flags.json,
        { applied },
        applied.length === 0 ? 'The database is up to date.' : `Applied ${applied.length} migration(s): ${applied.join(', ')}`,
      );
    }),
  );

program
  .command('export')
  .description('write every organization (users, chats, messages, …) as JSONL, to move them to another database')
  .option('--out <file>', 'write to this file (default: stdout)')
  .option('--include-secrets', 'also webhook secrets and API tokens (as hashes), so they keep working after an import')
  .option('--org <slug...>', 'only these organizations')
  .option('--json', 'print the summary as JSON (with --out)')
  .addOption(databaseOption())
  .action(async (flags: ExportFlags & { databaseUrl?: string }) => withStore(flags, (store) => runExport(store, flags)));

program
  .command('import')
  .description('read an export into this database; records already there with the same data are skipped')
  .argument('<file>', 'the export file, or - for stdin')
  .option('--batch-size <records>', 'records per transaction', '1000')
  .option('--json', 'print the summary as JSON')
  .addOption(databaseOption())
  .action(async (file: string, flags: ImportFlags & { databaseUrl?: string }) => withStore(flags, (store) => runImport(store, file, flags)));

const COMMAND_CACHE_KIB = 8_000;

/** Opens the store, migrates, runs the command, closes; errors become a one-line message. */
async function withStore(
  flags: { json?: boolean; databaseUrl?: string; skipMigrate?: boolean },
  run: (store: RootStore) => Promise<void>,
): Promise<void> {
  let store: RootStore | undefined;
  try {
    const config = loadConfig({ databaseUrl: flags.databaseUrl });
    // A command reads what it needs once (an export, each page): a small page cache
    // keeps its memory flat where a server's large one would only fill up.
    store = await openStore(config.databaseUrl, { poolSize: config.databasePoolSize, sqliteCacheKib: COMMAND_CACHE_KIB });
    if (!flags.skipMigrate) await store.migrate();
    await run(store);
  } catch (error) {
    await store?.close().catch(() => undefined);
    fail(error, !!flags.json);
  }
  await store.close();
}

/** A DON names its own organization; a display id needs --org when there are several. */
async function orgOfUserRef(store: RootStore, ref: string, orgFlag: string | undefined): Promise<Org> {
  const slug = /^don:[a-z]+:[a-z0-9-]+:devo\/([A-Za-z0-9]+):/.exec(ref)?.[1];
  return pickOrg(store, orgFlag ?? slug);
}

function presentOrg(org: Org) {
  return { id: formatOrgDon(org.slug), slug: org.slug, name: org.name, created_date: org.createdAt };
}

function describeUser(user: User, org: Org): string {
  return `${user.type} ${formatDisplayId(user.type, user.number)} <${user.email}> (${formatDon(user.type, org.slug, user.number)})`;
}

function announceEmulator(url: string, readyMs: number, loaded: readonly LoadedOrg[]): void {
  const lines = [`Confab emulator ready at ${url} in ${readyMs} ms. POST ${url}/confab.reset restores the fixtures.`];
  for (const { org, tokens } of loaded) {
    lines.push(`  ${org.name} (devo/${org.slug}): ${tokens.map(({ user, value }) => `${formatDisplayId(user.type, user.number)}=${value}`).join(' ') || 'no tokens'}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

await program.parseAsync(process.argv);
