/**
 * Every DevRev operation flows the same way: authenticate → validate → one domain
 * function → serialize with the response schema. `operation()` registers that flow for
 * `POST /<name>` and, for reads, `GET /<name>` with the same fields as query parameters.
 */
import type { TObject } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import type { Principal } from '../model/index.js';
import { OPERATIONS, type OperationName, type OperationSchemas, type RequestOf, type ResponseOf } from '../schema/operations.js';
import { authenticate } from '../domain/tokens.js';
import type { Store } from '../store/index.js';
import { requestStore } from './request-store.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export interface OperationContext {
  /** The request's own view of the store, which counts the statements it sends (request-store.ts). */
  store: Store;
  principal: Principal;
  request: FastifyRequest;
}

export interface OperationSpec<K extends OperationName> {
  /** DevRev's operation name, which is also the path: `chats.get`. Its schemas are in schema/operations.ts. */
  name: K;
  status?: 200 | 201;
  /** Also answer `GET /<name>`, taking these fields (default: the request's) from the query. */
  get?: boolean | TObject;
  /**
   * A Confab addition: DevRev has no such operation. Marked `x-confab-addition: true` in
   * /openapi.json, so a client written against DevRev knows not to rely on it there.
   */
  addition?: boolean;
  /** DevRev answers some operations (auth-tokens.delete) with a bare 200 and no body. */
  noContent?: boolean;
  /** Said in /openapi.json: who may call it, where that is narrower than the usual rules. */
  description?: string;
  /** A larger body than the server's usual limit (`confab.import` carries a whole export). */
  bodyLimit?: number;
  handle(context: OperationContext, input: RequestOf<K>): Promise<ResponseOf<K>>;
}

export function operation<K extends OperationName>(app: FastifyInstance, store: Store, spec: OperationSpec<K>): void {
  const schemas: OperationSchemas = OPERATIONS[spec.name];
  const status = spec.status ?? 200;
  const response = spec.noContent ? {} : { [status]: schemas.response };
  const onRequest = async (request: FastifyRequest) => {
    const viewed = requestStore(request, store);
    // The rate limiter may have authenticated this request already.
    request.principal ??= await authenticate(viewed, request.headers.authorization);
  };
  const handler = async (request: FastifyRequest, reply: FastifyReply, input: RequestOf<K>): Promise<FastifyReply> => {
    const result = await spec.handle({ store: request.store!, principal: request.principal!, request }, input);
    return spec.noContent ? reply.code(status).send() : reply.code(status).send(result);
  };
  // Before the response is written, errors included (a refused token costs its lookup), so
  // a client that has read the response finds its statements in /metrics.
  const statements = app.statementsOf(spec.name);
  const onSend = (request: FastifyRequest, _reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void) => {
    statements.count += request.statements?.count ?? 0;
    done(null, payload);
  };

  // `tags`, `operationId` and `security` only feed the OpenAPI document (http/openapi.ts);
  // operation ids follow DevRev's: `chats-get` for GET, `chats-get-post` for its POST twin.
  const operationId = spec.name.replace(/\./g, '-');
  const docs = {
    tags: [spec.name.split('.')[0]!],
    security: [{ bearer: [] }],
    ...(spec.addition && { 'x-confab-addition': true }),
    ...(spec.description !== undefined && { description: spec.description }),
  };
  const postSchema: FastifySchema = { ...docs, operationId: spec.get ? `${operationId}-post` : operationId, body: schemas.request, response };
  app.post(`/${spec.name}`, { schema: postSchema, onRequest, onSend, ...(spec.bodyLimit !== undefined && { bodyLimit: spec.bodyLimit }) }, (request, reply) =>
    handler(request, reply, request.body as RequestOf<K>),
  );

  if (spec.get) {
    const query = spec.get === true ? schemas.request : spec.get;
    const arrayFields = Object.entries(query.properties)
      .filter(([, schema]) => (schema as { type?: unknown }).type === 'array')
      .map(([field]) => field);
    const queryFields = Object.keys(query.properties);
    const getSchema: FastifySchema = { ...docs, operationId, querystring: query, response };
    app.get(
      `/${spec.name}`,
      {
        schema: getSchema,
        onRequest,
        onSend,
        // The official clients send arrays as repeated parameters or comma-joined.
        preValidation: async (request) => splitCommaLists(request.query as Record<string, unknown>, arrayFields),
      },
      // Only the fields the GET form declares reach the domain: where it is narrower than the
      // body (chats.get takes `id` alone, as DevRev documents it), the others are unchecked.
      (request, reply) => handler(request, reply, pickFields(request.query as Record<string, unknown>, queryFields) as RequestOf<K>),
    );
  }
}

function splitCommaLists(query: Record<string, unknown>, fields: readonly string[]): void {
  for (const field of fields) {
    const value = query[field];
    const values = typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined;
    if (values) query[field] = values.flatMap((item) => (typeof item === 'string' ? item.split(',').map(unquote).filter(Boolean) : [item]));
  }
}

/** DevRev's TypeScript SDK quotes each value of a list it puts in a query: `"a","b"`. */
function unquote(item: string): string {
  return item.length >= 2 && item.startsWith('"') && item.endsWith('"') ? item.slice(1, -1) : item;
}

function pickFields(query: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(fields.filter((field) => query[field] !== undefined).map((field) => [field, query[field]]));
}
