import type { Migration, MigrationProvider } from 'kysely';
import { init } from './0001_init.js';
import { timelineEntries } from './0002_timeline_entries.js';
import { identity } from './0003_identity.js';
import { artifacts } from './0004_artifacts.js';
import { events } from './0006_events.js';
import { chatList } from './0013_chat_list.js';
import { reactions } from './0014_reactions.js';
import { threads } from './0015_threads.js';
import { search } from './0016_search.js';
import type { DialectName } from './helpers.js';

/** Migrations are listed here rather than read from a folder, so they ship inside the build. */
export function migrationProvider(dialect: DialectName): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return {
        '0001_init': init(dialect),
        '0002_timeline_entries': timelineEntries(dialect),
        '0003_identity': identity(dialect),
        '0004_artifacts': artifacts(dialect),
        '0006_events': events(dialect),
        '0013_chat_list': chatList(dialect),
        '0014_reactions': reactions(dialect),
        '0015_threads': threads(dialect),
        '0016_search': search(dialect),
      };
    },
  };
}
