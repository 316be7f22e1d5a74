/**
 * DevRev's official TypeScript SDK (`@devrev/typescript-sdk`), unchanged, pointed at Confab:
 * the flow its users write against api.devrev.ai to attach a file to a message works as is
 * (issue 26). The SDK does not upload; the upload is DevRev's documented multipart POST.
 */
import { client, publicSDK } from '@devrev/typescript-sdk';
import { isAxiosError, type AxiosError, type AxiosResponse } from 'axios';
import { describe, expect, it } from 'vitest';
import { uploadForm } from './helpers/artifacts.js';
import { assertMatchesContract } from './helpers/contract.js';
import { useServer, type Person } from './helpers/server.js';

const t = useServer();

/**
 * The SDK as its README sets it up: the endpoint and the token as they are (no `Bearer`).
 * The one addition is a look at every answer, which must match DevRev's contract.
 */
function sdkFor(person: Person): publicSDK.Api<unknown> {
  const devrev = client.setup({ endpoint: t.url, token: person.token });
  const checkContract = (response: AxiosResponse) => {
    const path = new URL(response.config.url!, t.url).pathname;
    assertMatchesContract(path, response.config.method!.toUpperCase(), response.status, response.data);
  };
  devrev.instance.interceptors.response.use(
    (response) => (checkContract(response), response),
    (error: unknown) => {
      if (isAxiosError(error) && error.response) checkContract(error.response);
      return Promise.reject(error);
    },
  );
  return devrev;
}

const report = Buffer.from('%PDF-1.7\nThe Q3 report, as bytes no one would guess.\n%%EOF\n', 'latin1');

describe("DevRev's TypeScript SDK against Confab", () => {
  it('attaches a file: artifacts.prepare, the multipart upload, timeline-entries.create with artifacts', async () => {
    const ada = await t.given.org();
    const bob = await t.given.user(ada);
    const adaSdk = sdkFor(ada);
    const bobSdk = sdkFor(bob);

    const self = await adaSdk.devUsersSelf();
    expect(self.status).toBe(200);
    expect(self.data.dev_user.id).toBe(ada.id);

    const chat = await adaSdk.chatsCreate({ type: publicSDK.ChatType.Dm, users: [ada.id, bob.id] });
    expect(chat.status).toBe(201);

    const prepared = await adaSdk.artifactsPrepare({ file_name: 'q3-report.pdf', file_type: 'application/pdf' });
    expect(prepared.status).toBe(200);
    const uploaded = await uploadForm(prepared.data, report, 'q3-report.pdf');
    expect(uploaded.status).toBe(204);

    const created = await adaSdk.timelineEntriesCreate({
      type: publicSDK.TimelineEntriesCreateRequestType.TimelineComment,
      object: chat.data.chat.id,
      body: 'The Q3 report',
      body_type: publicSDK.TimelineCommentBodyType.Text,
      artifacts: [prepared.data.id],
    });
    expect(created.status).toBe(201);
    const attached = { id: prepared.data.id, file: { name: 'q3-report.pdf', type: 'application/pdf', size: report.length } };
    expect(created.data.timeline_entry).toMatchObject({ type: 'timeline_comment', body: 'The Q3 report', artifacts: [attached] });

    // The other member reads the message and downloads the file, through the SDK's GET forms.
    const read = await bobSdk.timelineEntriesGet({ id: created.data.timeline_entry.id });
    expect(read.status).toBe(200);
    expect(read.data.timeline_entry).toMatchObject({ artifacts: [attached] });
    const listed = await bobSdk.timelineEntriesList({ object: chat.data.chat.id });
    expect(listed.data.timeline_entries).toEqual([expect.objectContaining({ id: created.data.timeline_entry.id, artifacts: [expect.objectContaining(attached)] })]);
    const located = await bobSdk.artifactsLocate({ id: prepared.data.id });
    expect(located.status).toBe(200);
    const download = await fetch(located.data.url);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(report)).toBe(true);
  });

  it('reads list filters as the SDK sends them on a GET: each value quoted, joined by commas', async () => {
    const ada = await t.given.org();
    const adaSdk = sdkFor(ada);
    const chat = await t.given.chat(ada);
    const message = await t.given.message(ada, chat);
    const { External, Internal, Private } = publicSDK.TimelineEntryVisibility;
    const shown = await adaSdk.timelineEntriesList({ object: chat.id, visibility: [Internal, External] });
    expect(shown.config.params.visibility).toBe('"internal","external"');
    expect(shown.data.timeline_entries.map((entry) => entry.id)).toEqual([message.id]);
    const hidden = await adaSdk.timelineEntriesList({ object: chat.id, visibility: [Private] });
    expect(hidden.data.timeline_entries).toEqual([]);
  });

  it('creates, lists, updates and deletes a support conversation and posts on it, for a customer and staff', async () => {
    const admin = await t.given.org();
    const agent = await t.given.user(admin, 'dev_user', 'agent');
    const acme = (await t.as(admin).post('/rev-orgs.create', { display_name: 'Acme' })).body.rev_org.id as string;
    const alice = await t.given.customer(admin, acme, 'alice');
    const aliceSdk = sdkFor(alice);
    const agentSdk = sdkFor(agent);

    const created = await aliceSdk.conversationsCreate({
      type: publicSDK.ConversationsCreateRequestTypeValue.Support,
      title: 'Cannot log in',
      messages: [{ body: 'Since this morning' }],
    });
    expect(created.status).toBe(201);
    const id = created.data.conversation.id;
    expect(created.data.conversation.members.map((member) => member.id)).toEqual([alice.id]);

    const listed = await agentSdk.conversationsList({ 'stage.name': ['new'] });
    expect(listed.data.conversations.map((conversation) => conversation.id)).toEqual([id]);
    const got = await agentSdk.conversationsGet({ id });
    expect(got.data.conversation.title).toBe('Cannot log in');

    const reply = await agentSdk.timelineEntriesCreate({
      type: publicSDK.TimelineEntriesCreateRequestType.TimelineComment,
      object: id,
      body: 'Try resetting your password',
    });
    expect(reply.status).toBe(201);
    expect(reply.data.timeline_entry).toMatchObject({ object: id, object_type: 'conversation' });
    const timeline = await aliceSdk.timelineEntriesList({ object: id });
    expect(timeline.data.timeline_entries.map((entry) => (entry as { body?: string }).body)).toEqual(['Try resetting your password', 'Since this morning']);

    const updated = await agentSdk.conversationsUpdate({ id, stage: { name: 'resolved' }, owned_by: { set: [agent.id] } });
    expect(updated.status).toBe(200);
    expect(updated.data.conversation.stage?.name).toBe('resolved');

    const deleted = await agentSdk.conversationsDelete({ id });
    expect(deleted.status).toBe(200);
    const gone = await aliceSdk.conversationsGet({ id }).catch((error: unknown) => error);
    expect((gone as AxiosError).response?.status).toBe(404);
  });

  it('surfaces a DevRev error body as it does for DevRev: an AxiosError whose response is 404 not_found', async () => {
    const ada = await t.given.org();
    const missing = 'don:core:dvrv-us-1:devo/0:artifact/999999';
    const failure = await sdkFor(ada).artifactsLocate({ id: missing }).catch((error: unknown) => error);
    // The SDK's axios is its own (CommonJS) copy, so the class is checked by axios's own test.
    expect(isAxiosError(failure)).toBe(true);
    const { response } = failure as AxiosError<publicSDK.ErrorBase>;
    expect(response?.status).toBe(404);
    expect(response?.data).toMatchObject({ type: 'not_found', message: expect.any(String) });
  });
});
