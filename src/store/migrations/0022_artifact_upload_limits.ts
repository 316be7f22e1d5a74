import type { Kysely } from 'kysely';

/**
 * Upload limits (security round three). `upload_started_at` spends an upload link on its
 * first attempt, whatever the outcome, so a failed upload cannot be retried on the same
 * link. The two indexes serve the sweep of artifacts attached to nothing: candidates by
 * age, then whether a user still shows one as their display picture (which is also what
 * PostgreSQL checks for the foreign key on every delete).
 */
export function artifactUploadLimits() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('artifacts').addColumn('upload_started_at', 'text').execute();
      await db.schema.createIndex('artifacts_modified').on('artifacts').columns(['modified_at']).execute();
      await db.schema.createIndex('users_display_picture').on('users').columns(['display_picture_id']).execute();
    },
  };
}
