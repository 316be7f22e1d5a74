/**
 * Property-based fuzzing of every DevRev operation the server answers. Invariants: no 5xx,
 * every response matches the contract (so every error is a DevRev error body), and a
 * rejected request leaves every row of the database as it was.
 *
 * CI runs a fixed seed; FUZZ_RUNS=5000 (and FUZZ_SEED=<n>) runs longer or elsewhere.
 *
 * "No change" is what the server's change bus heard: every statement that wrote a row
 * tells it its table, so a rejected request must leave it silent. FUZZ_SNAPSHOTS=1 also
 * compares every row of every table before and after each request, which catches a write
 * that went around the store, at about twice the suite's time.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { assertMatchesContract } from './helpers/contract.js';
import { useServer, type Person } from './helpers/server.js';
import { EPHEMERAL_TABLES } from './helpers/postgres.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261128);
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
/** Hundreds of requests per test: generous on a loaded machine, and scaled for long runs. */
const FUZZ_TIMEOUT_MS = 120_000 + RUNS * 1_000;
/** FUZZ_ONLY=/chats.list,/reactions.update fuzzes just those operations (while working on them). */
const ONLY = process.env.FUZZ_ONLY?.split(',');
const SNAPSHOTS = process.env.FUZZ_SNAPSHOTS === '1';

const t = useServer();
let ada: Person;
let bob: Person;
let eve: Person;
/** A customer (rev user) of ada's org, and another rev org's customer they must never see. */
let carol: Person;
let rivalEmail: string;
/** Whose token the fuzzer sends: ada (an admin) by default, carol in the customer runs. */
let caller: Person;
let chatIds: string[] = [];
let eveChatIds: string[] = [];
let entryIds: string[] = [];

interface Contract {
  paths: Record<string, Record<string, { requestBody?: { content: { 'application/json': { schema: { $ref: string } } } } }>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown>; allOf?: { $ref?: string }[] }> };
}
const contract = parse(readFileSync(new URL('./fixtures/devrev-contract.yaml', import.meta.url), 'utf8')) as Contract;

/**
 * Confab's additions (DevRev has no such operations, so the contract does not name their
 * fields): fuzzed like DevRev's own.
 */
const ADDITIONS: Record<string, string[]> = {
  '/chats.list': ['cursor', 'limit', 'mode', 'type', 'users', 'is_default'],
  '/chats.mark-read': ['id', 'entry'],
  '/chats.mark-unread': ['id', 'entry'],
  '/timeline-entries.search': ['query', 'chat', 'cursor', 'limit'],
  '/chats.typing': ['id'],
  '/presence.list': ['users'],
  '/chats.leave': ['id'],
  '/auth-tokens.current': [],
};

/** The request fields the contract names for an operation (following allOf). */
function requestFields(path: string): string[] {
  if (ADDITIONS[path]) return ADDITIONS[path];
  const ref = contract.paths[path]?.post?.requestBody?.content['application/json'].schema.$ref;
  const fields = new Set<string>();
  const visit = (name: string | undefined) => {
    const schema = name ? contract.components.schemas[name.split('/').pop()!] : undefined;
    for (const field of Object.keys(schema?.properties ?? {})) fields.add(field);
    for (const part of schema?.allOf ?? []) visit(part.$ref);
  };
  visit(ref);
  return [...fields];
}

/** Tables this process wrote to since the last request the fuzzer sent. */
const written = new Set<string>();

beforeAll(async () => {
  t.server.store.changes.on((change) => {
    if (change.remote) return;
    for (const table of change.tables) if (!EPHEMERAL_TABLES.includes(table)) written.add(table);
  });
  ada = await t.given.org();
  bob = await t.given.user(ada);
  eve = await t.given.org();
  const chat = await t.as(ada).post('/chats.create', { type: 'dm', users: [ada.id, bob.id], title: 'fuzzed' });
  const eveChat = await t.as(eve).post('/chats.create', { type: 'dm', users: [eve.id] });
  chatIds = [chat.body.chat.id, chat.body.chat.display_id];
  eveChatIds = [eveChat.body.chat.id, eveChat.body.chat.display_id];

  const acme = (await t.as(ada).post('/rev-orgs.create', { display_name: 'Acme' })).body.rev_org.id;
  const globex = (await t.as(ada).post('/rev-orgs.create', { display_name: 'Globex' })).body.rev_org.id;
  const customer = (await t.as(ada).post('/rev-users.create', { display_name: 'carol', email: 'carol@acme.example', rev_org: acme })).body.rev_user;
  rivalEmail = 'gina@globex.example';
  expect((await t.as(ada).post('/rev-users.create', { display_name: 'gina', email: rivalEmail, rev_org: globex })).status).toBe(201);
  const token = await t.as(ada).post('/auth-tokens.create', { requested_token_type: 'urn:devrev:params:oauth:token-type:pat', act_as: customer.id });
  const [user] = await t.server.store.users.findByNumbers(ada.org.id, [{ type: 'rev_user', number: Number(customer.display_id.split('-')[1]) }]);
  carol = { org: ada.org, user: user!, token: token.body.access_token, id: customer.id, displayId: customer.display_id };
  caller = ada;
  const entry = await t.as(ada).post('/timeline-entries.create', { type: 'timeline_comment', object: chatIds[0], body: 'fuzzed' });
  entryIds = [entry.body.timeline_entry.id, entry.body.timeline_entry.display_id];
});

/** Ids of every shape: ours, another tenant's, mangled, of the wrong type, absurd. */
const anyId = () =>
  fc.oneof(
    fc.constantFrom(ada.id, bob.id, ada.displayId, bob.displayId, carol.id, ...chatIds, ...entryIds),
    fc.constantFrom(eve.id, eve.displayId, ...eveChatIds),
    fc.constantFrom(
      '',
      ' ',
      'DEVU-0',
      'DEVU--1',
      'DEVU-99999999999999999999999',
      'devu-1',
      'CHAN-',
      'CHAN-1e3',
      'REVU-1',
      'SVCACC-1',
      'don:core:dvrv-us-1:devo/0:chat/1',
      'don:identity:dvrv-us-1:devo/x:devu/1/extra',
      'don:core:dvrv-us-1:devo/x:ticket/1',
      'don:::::',
      '__proto__',
      'constructor',
      '\u0000',
      '💬'.repeat(300),
      'x'.repeat(70_000),
    ),
    fc.tuple(fc.constantFrom(...chatIds, ada.id), fc.integer({ min: 0, max: 40 }), fc.string({ maxLength: 6 })).map(
      ([id, at, junk]) => id.slice(0, at) + junk + id.slice(at),
    ),
    fc.string({ maxLength: 40 }),
  );

/** Stands for 20 000 nested arrays, spliced into the JSON text (building it as a value would overflow the stack here). */
const DEEP = '\u0000deep';
const deepJson = '['.repeat(20_000) + ']'.repeat(20_000);

const anyValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    anyId(),
    fc.array(anyId(), { maxLength: 20 }),
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom(null, true, 0, -1, 1e308, 'dm', 'x'.repeat(100_000), DEEP, { set: [] }, { set: null }, [[]], {}),
    fc.record({ set: fc.array(anyId(), { maxLength: 20 }) }),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
    // Objects whose values are hostile: custom fields are the free-form part of a request.
    fc.dictionary(fc.string({ maxLength: 8 }), fc.constantFrom<unknown>(DEEP, 'x'.repeat(20_000), null, [DEEP]), { minKeys: 1, maxKeys: 2 }),
  );

/** A request the operation accepts, so that one bad field is what the server must catch. */
function validRequest(path: string): Record<string, unknown> {
  switch (path) {
    case '/chats.create':
      return { type: 'dm', users: [ada.id, bob.id], is_default: false };
    case '/chats.get':
    case '/chats.update':
    case '/chats.mark-read':
    case '/chats.mark-unread':
    case '/chats.typing':
    case '/chats.leave':
      return { id: chatIds[0] };
    case '/reactions.update':
      return { object: entryIds[0], emoji: 'joy', action: 'add' };
    case '/reactions.list':
      return { object: entryIds[0], emoji: '+1' };
    case '/timeline-entries.search':
      return { query: 'fuzzed', chat: chatIds[0] };
    case '/search.core':
      return { query: 'user' };
    case '/presence.list':
      return { users: [ada.id, bob.displayId] };
    default:
      return {};
  }
}

const anyObject = (path: string, fields: string[]) =>
  fc
    .tuple(
      fc.boolean(),
      fc.dictionary(fc.constantFrom(...fields, 'type', 'id'), anyValue(), { minKeys: 1, maxKeys: fields.length + 1 }),
      fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }),
    )
    .map(([fromValid, known, unknown]) =>
      JSON.stringify({ ...unknown, ...(fromValid ? validRequest(path) : {}), ...known })
        .split(JSON.stringify(DEEP))
        .join(deepJson),
    );

/** Bodies that are not JSON at all, or not UTF-8, or JSON that is not an object. */
const malformed = () =>
  fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.constantFrom('{', '{"users": [', 'null', '[]', '"dm"', '1e999', '{"__proto__": {"x": 1}}', '{"a":1,"a":2}', '\ufeff{}'),
    fc.uint8Array({ minLength: 1, maxLength: 40 }).map((bytes) => Buffer.concat([Buffer.from('{"title":"'), Buffer.from(bytes), Buffer.from('"}')])),
  );

const contentType = fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', undefined);

async function send(method: string, pathAndQuery: string, body: string | Buffer | undefined, type: string | undefined) {
  const response = await fetch(t.url + pathAndQuery, {
    method,
    headers: { authorization: `Bearer ${caller.token}`, ...(type && { 'content-type': type }) },
    body: typeof body === 'string' || body === undefined ? body : new Uint8Array(body),
  });
  const text = await response.text();
  let parsed: unknown;
  // DevRev answers a few operations (auth-tokens.delete) with an empty 200; errors always have a body.
  if (text === '' && response.status < 300) return { status: response.status, body: undefined };
  expect(() => (parsed = JSON.parse(text)), `${method} ${pathAndQuery} answered non-JSON: ${text.slice(0, 200)}`).not.toThrow();
  return { status: response.status, body: parsed };
}

/** Every row of every table, with FUZZ_SNAPSHOTS=1; otherwise the change bus alone judges. */
const snapshot = () => (SNAPSHOTS ? t.snapshot() : Promise.resolve(''));

/** Runs one request and checks the three invariants; returns the database as it is after (with FUZZ_SNAPSHOTS=1). */
async function checkInvariants(before: string, method: string, path: string, query: string, body: string | Buffer | undefined, type?: string) {
  written.clear();
  const response = await send(method, path + query, body, type);
  expect(response.status, `${method} ${path}${query.slice(0, 200)} → ${JSON.stringify(response.body).slice(0, 300)}`).toBeLessThan(500);
  assertMatchesContract(path, method, response.status, response.body);
  if (response.status >= 400) expect([...written], `${method} ${path} was rejected but wrote to these tables`).toEqual([]);
  const after = await snapshot();
  if (response.status >= 400) expect(after, `${method} ${path} was rejected but changed stored data`).toBe(before);
  // A customer never sees another rev org's customer, whatever they send.
  if (caller === carol) expect(JSON.stringify(response.body ?? ''), `${method} ${path} showed a customer another customer`).not.toContain(rivalEmail);
  return after;
}

describe('fuzzing every operation', () => {
  // Revoking the fuzzing caller's own token would turn every later request into a 401 and
  // test nothing; those operations have their own tests (auth-tokens.test.ts).
  const SELF_REVOKING = new Set(['/auth-tokens.delete', '/auth-tokens.self.delete']);
  const operations = [
    ...Object.keys(contract.paths).filter((path) => contract.paths[path]?.post && !SELF_REVOKING.has(path)),
    ...Object.keys(ADDITIONS),
  ].filter((path) => !ONLY || ONLY.includes(path));

  async function fuzzEveryOperation(who: () => Person): Promise<void> {
    caller = who();
    try {
      const served = operations.filter((path) => t.server.app.hasRoute({ method: 'POST', url: path }));
      if (!ONLY) expect(served).toContain('/chats.create');
      if (!ONLY) expect(served).toContain('/chats.list');
      let before = await snapshot();
      for (const path of served) {
        const fields = requestFields(path);
        await fc.assert(
          fc.asyncProperty(fc.oneof(anyObject(path, fields), malformed()), contentType, async (body, type) => {
            before = await checkInvariants(before, 'POST', path, '', body, type);
          }),
          { seed: SEED, numRuns: RUNS },
        );
      }
    } finally {
      caller = ada;
    }
  }

  it('answers every malformed, mistyped, oversized or hostile request with a DevRev 4xx and no change', async () => {
    await fuzzEveryOperation(() => ada);
  }, FUZZ_TIMEOUT_MS);

  it('does the same for a customer (rev user), who never sees another rev org’s customer', async () => {
    await fuzzEveryOperation(() => carol);
  }, FUZZ_TIMEOUT_MS);

  it('survives every field of a valid request set to each hostile value in turn', async () => {
    const served = operations.filter((path) => t.server.app.hasRoute({ method: 'POST', url: path }));
    const manyKeys = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, i]));
    const hostile: unknown[] = [
      DEEP,
      { a: DEEP },
      [DEEP],
      'x'.repeat(200_000),
      Array.from({ length: 5000 }, () => ada.id),
      { set: Array.from({ length: 5000 }, () => bob.id) },
      manyKeys,
      { a: 'x'.repeat(200_000) },
      null,
      -1,
      1e308,
      true,
      '',
      eve.id,
      [eve.id],
      { set: [eve.id] },
      eveChatIds[0],
    ];
    let before = await snapshot();
    for (const path of served) {
      for (const field of requestFields(path)) {
        for (const value of hostile) {
          const body = JSON.stringify({ ...validRequest(path), [field]: value }).split(JSON.stringify(DEEP)).join(deepJson);
          before = await checkInvariants(before, 'POST', path, '', body, 'application/json');
        }
      }
    }
  }, FUZZ_TIMEOUT_MS);

  it('answers every hostile query string on GET with a DevRev 4xx and no change', async () => {
    const served = operations.filter((path) => t.server.app.hasRoute({ method: 'GET', url: path }));
    if (!ONLY) expect(served).toContain('/chats.get');
    let before = await snapshot();
    const rawQueries = fc.constantFrom('?id=%', '?id=%E0%A4%A', '?id[]=1&id[0]=2', '?__proto__[x]=1', '?id=&id=', `?id=${'a'.repeat(8000)}`);
    for (const path of served) {
      const fields = [...requestFields(path), 'id', 'limit', 'cursor'];
      const built = fc
        .dictionary(fc.constantFrom(...fields), fc.oneof(anyId(), fc.array(anyId(), { maxLength: 4 })), { maxKeys: 4 })
        .map((query) => {
          const params = new URLSearchParams();
          for (const [key, value] of Object.entries(query)) for (const item of [value].flat()) params.append(key, item);
          return `?${params}`;
        });
      await fc.assert(
        fc.asyncProperty(fc.oneof(built, rawQueries), async (query) => {
          before = await checkInvariants(before, 'GET', path, query, undefined);
        }),
        { seed: SEED, numRuns: RUNS },
      );
    }
  }, FUZZ_TIMEOUT_MS);

  it('answers unknown operations with 404 not_found', async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[a-z.-]{1,30}$/), async (name) => {
        fc.pre(!t.server.app.hasRoute({ method: 'POST', url: `/${name}` }));
        const response = await send('POST', `/${encodeURIComponent(name)}`, '{}', 'application/json');
        expect(response.status).toBe(404);
        expect((response.body as { type: string }).type).toBe('not_found');
      }),
      { seed: SEED, numRuns: 30 },
    );
  });
});
