/**
 * Every operation Confab answers, with its request and response schema: the one place
 * that says so. Routes take their schemas from here (http/operation.ts), and the typed
 * client (src/client) its types, so the two cannot drift.
 */
import type { Static, TObject, TSchema } from '@sinclair/typebox';
import { ArtifactsGetRequest, ArtifactsGetResponse, ArtifactsListRequest, ArtifactsListResponse, ArtifactsLocateResponse, ArtifactsPrepareRequest, ArtifactsPrepareResponse } from './artifacts.js';
import { AuthTokensCreateRequest, AuthTokensCreateResponse, AuthTokensDeleteRequest, AuthTokensGetRequest, AuthTokensGetResponse, AuthTokensListRequest, AuthTokensListResponse, AuthTokensSelfDeleteRequest } from './auth-tokens.js';
import { ChatResponse, ChatsCreateRequest, ChatsGetRequest, ChatsUpdateRequest } from './chats.js';
import { ConversationResponse, ConversationsCreateRequest, ConversationsExportRequest, ConversationsExportResponse, ConversationsIdRequest, ConversationsListRequest, ConversationsListResponse, ConversationsUpdateRequest } from './conversations.js';
import { FaultsEmpty, FaultsResponse, FaultsSetRequest } from './faults.js';
import { GroupMembersChangeRequest, GroupMembersListRequest, GroupMembersListResponse, GroupResponse, GroupsCreateRequest, GroupsListRequest, GroupsListResponse, GroupsUpdateRequest } from './groups.js';
import { RevOrgResponse, RevOrgsCreateRequest, RevOrgsListRequest, RevOrgsListResponse, RevOrgsUpdateRequest, RevUserResponse, RevUsersCreateRequest, RevUsersListRequest, RevUsersListResponse, RevUsersUpdateRequest } from './rev.js';
import { ServiceAccountResponse, ServiceAccountsCreateRequest, ServiceAccountsUpdateRequest } from './service-accounts.js';
import { TimelineEntriesCreateRequest, TimelineEntriesDeleteRequest, TimelineEntriesDeleteResponse, TimelineEntriesGetRequest, TimelineEntriesListRequest, TimelineEntriesListResponse, TimelineEntriesUpdateRequest, TimelineEntryResponse } from './timeline-entries.js';
import { DevUserResponse, DevUsersActivateRequest, DevUsersActivateResponse, DevUsersCreateRequest, DevUsersListRequest, DevUsersListResponse, DevUsersSelfResponse, DevUsersSelfUpdateRequest, DevUsersUpdateRequest, Empty, IdRequest } from './users.js';
import { WebhookResponse, WebhooksCreateRequest, WebhooksDeleteRequest, WebhooksDeleteResponse, WebhooksDeliveriesListRequest, WebhooksDeliveriesListResponse, WebhooksGetRequest, WebhooksListRequest, WebhooksListResponse, WebhooksUpdateRequest } from './webhooks.js';
import { RequestsClearRequest, RequestsClearResponse, RequestsCountRequest, RequestsCountResponse, RequestsListRequest, RequestsListResponse } from './journal.js';
import { ImportRequest, ImportResponse, OrgsCreateRequest, OrgsCreateResponse, ResetRequest, ResetResponse, SnapshotNameRequest, SnapshotResponse, SnapshotsListRequest, SnapshotsListResponse } from './emulator.js';
import { ReactionsListRequest, ReactionsListResponse, ReactionsUpdateRequest, ReactionsUpdateResponse } from './reactions.js';
import { SearchCoreRequest, SearchCoreResponse, TimelineEntriesSearchRequest, TimelineEntriesSearchResponse } from './search.js';
import { PresenceListRequest, PresenceListResponse } from './presence.js';
import { ChatsListRequest, ChatsListResponse, ChatsMarkReadRequest, ChatsMarkUnreadRequest, ChatsTypingRequest, ChatsTypingResponse, EmptyResponse } from './chat-list.js';

export interface OperationSchemas {
  request: TObject;
  response: TSchema;
}

export const OPERATIONS = {
  'artifacts.prepare': { request: ArtifactsPrepareRequest, response: ArtifactsPrepareResponse },
  'artifacts.get': { request: ArtifactsGetRequest, response: ArtifactsGetResponse },
  'artifacts.locate': { request: ArtifactsGetRequest, response: ArtifactsLocateResponse },
  'artifacts.list': { request: ArtifactsListRequest, response: ArtifactsListResponse },
  'auth-tokens.create': { request: AuthTokensCreateRequest, response: AuthTokensCreateResponse },
  'auth-tokens.get': { request: AuthTokensGetRequest, response: AuthTokensGetResponse },
  'auth-tokens.list': { request: AuthTokensListRequest, response: AuthTokensListResponse },
  'auth-tokens.delete': { request: AuthTokensDeleteRequest, response: Empty },
  'auth-tokens.self.delete': { request: AuthTokensSelfDeleteRequest, response: Empty },
  'chats.create': { request: ChatsCreateRequest, response: ChatResponse },
  'chats.get': { request: ChatsGetRequest, response: ChatResponse },
  'chats.update': { request: ChatsUpdateRequest, response: ChatResponse },
  'conversations.create': { request: ConversationsCreateRequest, response: ConversationResponse },
  'conversations.get': { request: ConversationsIdRequest, response: ConversationResponse },
  'conversations.list': { request: ConversationsListRequest, response: ConversationsListResponse },
  'conversations.update': { request: ConversationsUpdateRequest, response: ConversationResponse },
  'conversations.delete': { request: ConversationsIdRequest, response: Empty },
  'conversations.export': { request: ConversationsExportRequest, response: ConversationsExportResponse },
  'dev-users.self': { request: Empty, response: DevUsersSelfResponse },
  'dev-users.create': { request: DevUsersCreateRequest, response: DevUserResponse },
  'dev-users.get': { request: IdRequest, response: DevUserResponse },
  'dev-users.list': { request: DevUsersListRequest, response: DevUsersListResponse },
  'dev-users.update': { request: DevUsersUpdateRequest, response: DevUserResponse },
  'dev-users.self.update': { request: DevUsersSelfUpdateRequest, response: DevUserResponse },
  'dev-users.deactivate': { request: IdRequest, response: Empty },
  'dev-users.activate': { request: DevUsersActivateRequest, response: DevUsersActivateResponse },
  'groups.create': { request: GroupsCreateRequest, response: GroupResponse },
  'groups.get': { request: IdRequest, response: GroupResponse },
  'groups.list': { request: GroupsListRequest, response: GroupsListResponse },
  'groups.update': { request: GroupsUpdateRequest, response: GroupResponse },
  'groups.members.add': { request: GroupMembersChangeRequest, response: Empty },
  'groups.members.remove': { request: GroupMembersChangeRequest, response: Empty },
  'groups.members.list': { request: GroupMembersListRequest, response: GroupMembersListResponse },
  'rev-orgs.create': { request: RevOrgsCreateRequest, response: RevOrgResponse },
  'rev-orgs.get': { request: IdRequest, response: RevOrgResponse },
  'rev-orgs.list': { request: RevOrgsListRequest, response: RevOrgsListResponse },
  'rev-orgs.update': { request: RevOrgsUpdateRequest, response: RevOrgResponse },
  'rev-orgs.delete': { request: IdRequest, response: Empty },
  'rev-users.create': { request: RevUsersCreateRequest, response: RevUserResponse },
  'rev-users.get': { request: IdRequest, response: RevUserResponse },
  'rev-users.list': { request: RevUsersListRequest, response: RevUsersListResponse },
  'rev-users.update': { request: RevUsersUpdateRequest, response: RevUserResponse },
  'rev-users.delete': { request: IdRequest, response: Empty },
  'service-accounts.create': { request: ServiceAccountsCreateRequest, response: ServiceAccountResponse },
  'service-accounts.get': { request: IdRequest, response: ServiceAccountResponse },
  'service-accounts.update': { request: ServiceAccountsUpdateRequest, response: ServiceAccountResponse },
  'timeline-entries.create': { request: TimelineEntriesCreateRequest, response: TimelineEntryResponse },
  'timeline-entries.get': { request: TimelineEntriesGetRequest, response: TimelineEntryResponse },
  'timeline-entries.list': { request: TimelineEntriesListRequest, response: TimelineEntriesListResponse },
  'timeline-entries.update': { request: TimelineEntriesUpdateRequest, response: TimelineEntryResponse },
  'timeline-entries.delete': { request: TimelineEntriesDeleteRequest, response: TimelineEntriesDeleteResponse },
  'webhooks.create': { request: WebhooksCreateRequest, response: WebhookResponse },
  'webhooks.get': { request: WebhooksGetRequest, response: WebhookResponse },
  'webhooks.list': { request: WebhooksListRequest, response: WebhooksListResponse },
  'webhooks.update': { request: WebhooksUpdateRequest, response: WebhookResponse },
  'webhooks.delete': { request: WebhooksDeleteRequest, response: WebhooksDeleteResponse },
  'webhooks.deliveries.list': { request: WebhooksDeliveriesListRequest, response: WebhooksDeliveriesListResponse },
  'confab.faults.set': { request: FaultsSetRequest, response: FaultsResponse },
  'confab.faults.clear': { request: FaultsEmpty, response: FaultsResponse },
  'confab.faults.list': { request: FaultsEmpty, response: FaultsResponse },
  'confab.requests.list': { request: RequestsListRequest, response: RequestsListResponse },
  'confab.requests.count': { request: RequestsCountRequest, response: RequestsCountResponse },
  'confab.requests.clear': { request: RequestsClearRequest, response: RequestsClearResponse },
  'confab.reset': { request: ResetRequest, response: ResetResponse },
  'confab.snapshots.save': { request: SnapshotNameRequest, response: SnapshotResponse },
  'confab.snapshots.restore': { request: SnapshotNameRequest, response: SnapshotResponse },
  'confab.snapshots.list': { request: SnapshotsListRequest, response: SnapshotsListResponse },
  'confab.snapshots.delete': { request: SnapshotNameRequest, response: SnapshotResponse },
  'confab.orgs.create': { request: OrgsCreateRequest, response: OrgsCreateResponse },
  'confab.import': { request: ImportRequest, response: ImportResponse },
  'reactions.update': { request: ReactionsUpdateRequest, response: ReactionsUpdateResponse },
  'reactions.list': { request: ReactionsListRequest, response: ReactionsListResponse },
  'search.core': { request: SearchCoreRequest, response: SearchCoreResponse },
  'chats.list': { request: ChatsListRequest, response: ChatsListResponse },
  'chats.mark-read': { request: ChatsMarkReadRequest, response: EmptyResponse },
  'chats.mark-unread': { request: ChatsMarkUnreadRequest, response: EmptyResponse },
  'timeline-entries.search': { request: TimelineEntriesSearchRequest, response: TimelineEntriesSearchResponse },
  'chats.typing': { request: ChatsTypingRequest, response: ChatsTypingResponse },
  'presence.list': { request: PresenceListRequest, response: PresenceListResponse },
} satisfies Record<string, OperationSchemas>;

export type OperationName = keyof typeof OPERATIONS;
export type RequestOf<K extends OperationName> = Static<(typeof OPERATIONS)[K]['request']>;
export type ResponseOf<K extends OperationName> = Static<(typeof OPERATIONS)[K]['response']>;
