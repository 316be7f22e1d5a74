import type { Migration, MigrationProvider } from 'kysely';
import { init } from './0001_init.js';
import { timelineEntries } from './0002_timeline_entries.js';
import { identity } from './0003_identity.js';
import { artifacts } from './0004_artifacts.js';
import { events } from './0006_events.js';
import { membership } from './0007_membership.js';
import { chatList } from './0013_chat_list.js';
import { reactions } from './0014_reactions.js';
import { threads } from './0015_threads.js';
import { search } from './0016_search.js';
import { securityEventEntries } from './0017_security_event_entries.js';
import { securityFaultRules } from './0018_security_fault_rules.js';
import { memberSince } from './0019_member_since.js';
import { presence } from './0020_presence.js';
import { replyAudience } from './0021_reply_audience.js';
import { artifactUploadLimits } from './0022_artifact_upload_limits.js';
import { staffVouched } from './0023_staff_vouched.js';
import { searchScope } from './0024_search_scope.js';
import { entryArtifacts } from './0025_entry_artifacts.js';
import { conversations } from './0026_conversations.js';
import { customerTraits } from './0030_customer_traits.js';
import { activityCopies } from './0040_activity_copies.js';
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
        '0007_membership': membership(),
        '0013_chat_list': chatList(dialect),
        '0014_reactions': reactions(dialect),
        '0015_threads': threads(dialect),
        '0016_search': search(dialect),
        '0017_security_event_entries': securityEventEntries(dialect),
        '0018_security_fault_rules': securityFaultRules(dialect),
        '0019_member_since': memberSince(),
        '0020_presence': presence(dialect),
        '0021_reply_audience': replyAudience(),
        '0022_artifact_upload_limits': artifactUploadLimits(),
        '0023_staff_vouched': staffVouched(),
        '0024_search_scope': searchScope(dialect),
        '0025_entry_artifacts': entryArtifacts(),
        '0026_conversations': conversations(),
        '0030_customer_traits': customerTraits(),
        '0040_activity_copies': activityCopies(dialect),
      };
    },
  };
}
