/**
 * Writes one batch of an import inside its transaction. Records come in runs of one type
 * and organization; for each run the objects already stored under the same keys are read
 * back as records (records.ts) and compared: equal ones are skipped, different ones stop
 * the import with the line and the key, and the rest are written — with the references
 * they make (users, chats, a reply's parent, …) resolved to this database's row ids.
 */
import { vouchesForStaff } from '../domain/policy/customers.js';
import { memberKeyOfIds } from '../domain/members.js';
import { newWebhookSecret } from '../domain/webhooks.js';
import { Verbatim, type Store } from '../store/index.js';
import { insertEntries } from './apply-entries.js';
import { describeDifference, ImportConflict, ImportError } from './errors.js';
import { organizationOf, serializeRecord, type ExportRecord, type RecordOf, type RecordType } from './format.js';
import type { NumberedRecord } from './import.js';
import * as records from './records.js';
import { numberOf, userKeyOf } from './records.js';
import { advance, byType, chatLookup, groupLookup, lookup, numbers, unique, userLookup, type Item, type Target } from './resolve.js';

export interface BatchResult {
  created: number;
  unchanged: number;
}

interface Applier<R extends ExportRecord> {
  /** What the record is, within its organization, for messages: `user DEVU-3`. */
  key(record: R): string;
  /** The records the database holds under these records' keys. */
  existing(target: Target, records: R[]): Promise<R[]>;
  /** What of a stored record the file's record is compared with (a webhook without its secret). */
  comparable?(existing: R, incoming: R): R;
  insert(target: Target, items: Item<R>[]): Promise<void>;
}

export async function applyBatch(tx: Store, batch: readonly NumberedRecord[]): Promise<BatchResult> {
  const result: BatchResult = { created: 0, unchanged: 0 };
  const orgIds = await tx.importLookups.orgIds([...new Set(batch.map(({ record }) => organizationOf(record)))]);
  for (const run of runs(batch)) {
    const first = run[0]!;
    if (first.record.type === 'org') {
      await applyOrgs(tx, orgIds, run as Item<RecordOf<'org'>>[], result);
      continue;
    }
    const slug = organizationOf(first.record);
    const orgId = orgIds.get(slug);
    if (orgId === undefined) throw new ImportError(first.line, `organization '${slug}' has no org record earlier in the file and is not in the database`);
    await applyRun({ tx, orgId, slug }, APPLIERS[first.record.type] as unknown as Applier<ExportRecord>, run, result);
  }
  return result;
}

async function applyRun(target: Target, applier: Applier<ExportRecord>, run: Item<ExportRecord>[], result: BatchResult): Promise<void> {
  const seen = new Map<string, number>();
  for (const { line, record } of run) {
    const key = applier.key(record);
    const earlier = seen.get(key);
    if (earlier !== undefined) throw new ImportError(line, `${key} of organization ${target.slug} is also on line ${earlier}`);
    seen.set(key, line);
  }
  const stored = new Map((await applier.existing(target, run.map(({ record }) => record))).map((record) => [applier.key(record), record]));
  const fresh: Item<ExportRecord>[] = [];
  for (const item of run) {
    const key = applier.key(item.record);
    const existing = stored.get(key);
    if (existing === undefined) {
      fresh.push(item);
      continue;
    }
    const comparable = applier.comparable?.(existing, item.record) ?? existing;
    if (serializeRecord(comparable) !== serializeRecord(item.record)) {
      throw new ImportConflict(
        item.line,
        `${key} of organization ${target.slug} is already in the database with other data: ${describeDifference(comparable, item.record)}`,
      );
    }
    result.unchanged++;
  }
  if (fresh.length > 0) await applier.insert(target, fresh);
  result.created += fresh.length;
}

/** An organization, new or the same as stored; its counters move past the file's in both cases. */
async function applyOrgs(tx: Store, orgIds: Map<string, number>, run: Item<RecordOf<'org'>>[], result: BatchResult): Promise<void> {
  for (const { line, record } of run) {
    let orgId = orgIds.get(record.slug);
    if (orgId === undefined) {
      orgId = (await tx.orgs.insert(record.slug, record.name, record.created_at)).id;
      orgIds.set(record.slug, orgId);
      result.created++;
    } else {
      const stored = (await tx.exportReads.orgs([record.slug]))[0]!;
      const { sequences: _file, ...incoming } = record;
      const { sequences: _stored, ...existing } = records.orgRecord(stored);
      if (JSON.stringify(existing) !== JSON.stringify({ type: incoming.type, slug: incoming.slug, name: incoming.name, created_at: incoming.created_at })) {
        throw new ImportConflict(line, `organization ${record.slug} is already in the database with other data: ${describeDifference(existing, incoming)}`);
      }
      result.unchanged++;
    }
    for (const [kind, last] of Object.entries(record.sequences)) await tx.orgs.advanceNumberPast(orgId, kind, last);
  }
}

const APPLIERS: { [T in Exclude<RecordType, 'org'>]: Applier<RecordOf<T>> } = {
  rev_org: {
    key: (record) => `rev org ${record.id}`,
    existing: async ({ tx, orgId, slug }, list) => (await tx.exportReads.revOrgs(orgId, numbers(list))).map((row) => records.revOrgRecord(slug, row)),
    async insert({ tx, orgId, slug }, items) {
      for (const { line, record } of items) {
        await unique(line, `rev org ${record.id}: another rev org of organization ${slug} has the external_ref '${record.external_ref}'`, () =>
          tx.revOrgs.insert({
            orgId,
            number: numberOf(record.id),
            displayName: record.display_name,
            externalRef: record.external_ref ?? null,
            customFields: record.custom_fields ?? null,
            at: record.created_at,
            modifiedAt: record.modified_at,
          }),
        );
      }
      await advance(tx, orgId, 'rev_org', items.map(({ record }) => numberOf(record.id)));
    },
  },

  user: {
    key: (record) => `user ${record.id}`,
    async existing({ tx, orgId, slug }, list) {
      const found = [];
      for (const [type, keys] of byType(list.map((record) => userKeyOf(record.id)))) {
        found.push(...(await tx.exportReads.users(orgId, type, { numbers: keys.map((key) => key.number) })));
      }
      return found.map((row) => records.userRecord(slug, row));
    },
    async insert(target, items) {
      const { tx, orgId, slug } = target;
      const revOrg = await lookup(target, 'rev org', items.flatMap(({ record }) => (record.rev_org ? [record.rev_org] : [])), (refs) =>
        tx.importLookups.revOrgIds(orgId, refs.map(numberOf)),
      numberOf);
      for (const { line, record } of items) {
        const key = userKeyOf(record.id);
        await unique(line, `user ${record.id}: another ${key.type} of organization ${slug} has the same email or external_ref`, async () =>
          tx.users.insertRow({
            orgId,
            type: key.type,
            number: key.number,
            email: record.email ?? null,
            displayName: record.display_name,
            fullName: record.full_name ?? null,
            state: record.state,
            isAdmin: record.is_admin,
            externalRef: record.external_ref ?? null,
            revOrgId: record.rev_org === undefined ? null : revOrg(line, record.rev_org),
            phoneNumbers: record.phone_numbers ?? [],
            customFields: record.custom_fields ?? null,
            at: record.created_at,
            modifiedAt: record.modified_at,
          }),
        );
      }
      for (const [type, keys] of byType(items.map(({ record }) => userKeyOf(record.id)))) {
        await advance(tx, orgId, type, keys.map((key) => key.number));
      }
    },
  },

  group: {
    key: (record) => `group ${record.id}`,
    existing: async ({ tx, orgId, slug }, list) => (await tx.exportReads.groups(orgId, numbers(list))).map((row) => records.groupRecord(slug, row)),
    async insert({ tx, orgId, slug }, items) {
      for (const { line, record } of items) {
        await unique(line, `group ${record.id}: another group of organization ${slug} is named '${record.name}'`, () =>
          tx.groups.insert({
            orgId,
            number: numberOf(record.id),
            name: record.name,
            description: record.description ?? null,
            memberType: record.member_type,
            at: record.created_at,
            modifiedAt: record.modified_at,
          }),
        );
      }
      await advance(tx, orgId, 'group', items.map(({ record }) => numberOf(record.id)));
    },
  },

  group_member: {
    key: (record) => `membership of ${record.user} in group ${record.group}`,
    existing: async ({ tx, orgId, slug }, list) =>
      (
        await tx.exportReads.groupMembers(
          orgId,
          [...new Set(list.map((record) => numberOf(record.group)))],
          list.map((record) => userKeyOf(record.user)),
        )
      ).map((row) => records.groupMemberRecord(slug, row)),
    async insert(target, items) {
      const group = await groupLookup(target, items.map(({ record }) => record.group));
      const user = await userLookup(target, items.map(({ record }) => record.user));
      await target.tx.groups.addMembers(
        items.map(({ line, record }) => ({ groupId: group(line, record.group), userId: user(line, record.user), at: record.created_at })),
      );
    },
  },

  chat: {
    key: (record) => `chat ${record.id}`,
    existing: async ({ tx, orgId, slug }, list) => (await tx.exportReads.chats(orgId, numbers(list))).map((row) => records.chatRecord(slug, row)),
    async insert(target, items) {
      const { tx, orgId, slug } = target;
      const user = await userLookup(target, items.flatMap(({ record }) => [...record.users, record.created_by, record.modified_by]));
      const group = await groupLookup(target, items.flatMap(({ record }) => record.groups ?? []));
      for (const { line, record } of items) {
        const userIds = record.users.map((ref) => user(line, ref));
        await unique(line, `chat ${record.id}: organization ${slug} already has a default DM of the same users`, () =>
          tx.chats.insert({
            orgId,
            number: numberOf(record.id),
            title: record.title ?? null,
            isDefault: record.is_default,
            memberKey: memberKeyOfIds(userIds),
            customFields: record.custom_fields ?? null,
            records: new Verbatim(record.records ?? null),
            syncMetadata: record.sync_metadata ?? null,
            userIds,
            groupIds: (record.groups ?? []).map((ref) => group(line, ref)),
            createdBy: user(line, record.created_by),
            // What the export does not record, how each member came in, follows the creator.
            vouched: vouchesForStaff(userKeyOf(record.created_by)),
            modifiedBy: user(line, record.modified_by),
            at: record.created_at,
            modifiedAt: record.modified_at,
            activityAt: record.activity_at,
          }),
        );
      }
      await advance(tx, orgId, 'chat', items.map(({ record }) => numberOf(record.id)));
    },
  },

  timeline_entry: {
    key: (record) => `timeline entry ${record.id}`,
    existing: async ({ tx, orgId, slug }, list) => (await tx.exportReads.entries(orgId, numbers(list))).map((row) => records.entryRecord(slug, row)),
    insert: insertEntries,
  },

  read_state: {
    key: (record) => `read state of ${record.user} in chat ${record.chat}`,
    async existing({ tx, orgId, slug }, list) {
      const userIds = await tx.importLookups.userIds(orgId, list.map((record) => userKeyOf(record.user)));
      const chats = [...new Set(list.map((record) => numberOf(record.chat)))];
      return (await tx.exportReads.readStates(orgId, [...userIds.values()], chats)).map((row) => records.readStateRecord(slug, row));
    },
    async insert(target, items) {
      const chat = await chatLookup(target, items.map(({ record }) => record.chat));
      const user = await userLookup(target, items.map(({ record }) => record.user));
      const covered = await target.tx.importLookups.entries(
        target.orgId,
        items.flatMap(({ record }) => (record.read_through ? [numberOf(record.read_through)] : [])),
      );
      await target.tx.chatReads.insertMany(
        items.map(({ line, record }) => {
          const chatId = chat(line, record.chat);
          let readId = 0;
          if (record.read_through !== undefined) {
            const entry = covered.get(numberOf(record.read_through));
            if (!entry || entry.chatId !== chatId || entry.createdAt !== record.read_at) {
              throw new ImportError(line, `read_through ${record.read_through} must be an entry of chat ${record.chat} written at read_at (${record.read_at})`);
            }
            readId = entry.id;
          }
          return { chatId, userId: user(line, record.user), position: { createdAt: record.read_at, id: readId }, at: record.modified_at };
        }),
      );
    },
  },

  webhook: {
    key: (record) => `webhook ${record.id}`,
    existing: async ({ tx, orgId, slug }, list) =>
      (await tx.exportReads.webhooks(orgId, numbers(list))).map((row) => records.webhookRecord(slug, row, true)),
    // An export without secrets says nothing about them: any stored secret matches it.
    comparable: (existing, incoming) => (incoming.secret === undefined ? { ...existing, secret: undefined } : existing),
    async insert(target, items) {
      const { tx, orgId } = target;
      const user = await userLookup(target, items.flatMap(({ record }) => [record.created_by, record.modified_by]));
      for (const { line, record } of items) {
        await tx.webhooks.insert({
          orgId,
          number: numberOf(record.id),
          url: record.url,
          secret: record.secret ?? newWebhookSecret(),
          eventTypes: record.event_types ?? null,
          headers: record.headers ?? null,
          status: record.status,
          verified: record.verified,
          deleted: record.deleted,
          createdBy: user(line, record.created_by),
          modifiedBy: user(line, record.modified_by),
          at: record.created_at,
          modifiedAt: record.modified_at,
        });
      }
      await advance(tx, orgId, 'webhook', items.map(({ record }) => numberOf(record.id)));
    },
  },

  token: {
    key: (record) => `token ${record.id}`,
    existing: async ({ tx, orgId, slug }, list) => (await tx.exportReads.tokens(orgId, numbers(list))).map((row) => records.tokenRecord(slug, row)),
    async insert(target, items) {
      const { tx, orgId } = target;
      const user = await userLookup(target, items.flatMap(({ record }) => [record.user, ...(record.created_by ? [record.created_by] : [])]));
      for (const { line, record } of items) {
        await unique(line, `token ${record.id}: another token has the same hash`, () =>
          tx.tokens.insert({
            orgId,
            number: numberOf(record.id),
            userId: user(line, record.user),
            hash: record.hash,
            requestedTokenType: record.requested_token_type ?? null,
            tokenHint: record.token_hint ?? null,
            createdBy: record.created_by === undefined ? null : user(line, record.created_by),
            at: record.created_at,
            expiresAt: record.expires_at ?? null,
            revokedAt: record.revoked_at ?? null,
          }),
        );
      }
      await advance(tx, orgId, 'token', items.map(({ record }) => numberOf(record.id)));
    },
  },

  artifact: {
    key: (record) => `artifact ${record.id}`,
    existing: async ({ tx, orgId, slug }, list) =>
      (await tx.exportReads.artifacts(orgId, numbers(list), true)).map((row) => records.artifactRecord(slug, row)),
    async insert(target, items) {
      const { tx, orgId } = target;
      const user = await userLookup(target, items.map(({ record }) => record.created_by));
      for (const { line, record } of items) {
        const content = record.content === undefined ? null : Buffer.from(record.content, 'base64');
        if (content && content.toString('base64') !== record.content) throw new ImportError(line, 'content is not base64 as Confab writes it (padded, no line breaks)');
        await tx.artifacts.insertRow({
          orgId,
          number: numberOf(record.id),
          fileName: record.file_name,
          declaredType: record.declared_type ?? null,
          contentType: record.content_type ?? null,
          size: record.size ?? null,
          content,
          uploadedAt: record.uploaded_at ?? null,
          parentKind: record.parent_kind ?? null,
          parentNumber: record.parent_number ?? null,
          parentPosition: record.parent_position ?? null,
          createdBy: user(line, record.created_by),
          at: record.created_at,
          modifiedAt: record.modified_at,
        });
      }
      await advance(tx, orgId, 'artifact', items.map(({ record }) => numberOf(record.id)));
    },
  },

  display_picture: {
    key: (record) => `display picture of ${record.user}`,
    async existing({ tx, orgId, slug }, list) {
      const found = [];
      for (const [type, keys] of byType(list.map((record) => userKeyOf(record.user)))) {
        found.push(...(await tx.exportReads.displayPictures(orgId, type, { numbers: keys.map((key) => key.number) })));
      }
      return found.map((row) => records.displayPictureRecord(slug, row));
    },
    async insert(target, items) {
      const user = await userLookup(target, items.map(({ record }) => record.user));
      const artifact = await lookup(target, 'artifact', items.map(({ record }) => record.artifact), (refs) =>
        target.tx.importLookups.artifactIds(target.orgId, refs.map(numberOf)),
      numberOf);
      for (const { line, record } of items) await target.tx.users.setDisplayPicture(user(line, record.user), artifact(line, record.artifact));
    },
  },
};
/** Runs of consecutive records of one type and organization. */
function runs(batch: readonly NumberedRecord[]): Item<ExportRecord>[][] {
  const result: Item<ExportRecord>[][] = [];
  for (const item of batch) {
    const last = result.at(-1)?.[0]?.record;
    if (last && last.type === item.record.type && organizationOf(last) === organizationOf(item.record)) result.at(-1)!.push(item);
    else result.push([item]);
  }
  return result;
}
