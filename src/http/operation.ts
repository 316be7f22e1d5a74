/**
 * Every DevRev operation flows the same way: authenticate → validate → one domain
 * function → serialize with the response schema. `operation()` registers that flow for
 * `POST /<name>` and, for reads, `GET /<name>` with the same fields as query parameters.
 */
import type { Static, TObject, TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import type { Principal } from '../model/index.js';
import { authenticate } from '../domain/tokens.js';
import type { Store } from '../store/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export interface OperationContext {
  store: Store;
  principal: Principal;
  request: FastifyRequest;
}

export interface OperationSpec<Req extends TObject, Res extends TSchema> {
  /** DevRev's operation name, which is also the path: `chats.get`. */
  name: string;
  request: Req;
  response: Res;
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
  handle(context: OperationContext, input: Static<Req>): Promise<Static<Res>>;
}

export function operation<Req extends TObject, Res extends TSchema>(
  app: FastifyInstance,
  store: Store,
  spec: OperationSpec<Req, Res>,
): void {
  const status = spec.status ?? 200;
  const response = spec.noContent ? {} : { [status]: spec.response };
  const onRequest = async (request: FastifyRequest) => {
    // The rate limiter may have authenticated this request already.
    request.principal ??= await authenticate(store, request.headers.authorization);
  };
  const handler = async (request: FastifyRequest, reply: FastifyReply, input: Static<Req>): Promise<FastifyReply> => {
    const result = await spec.handle({ store, principal: request.principal!, request }, input);
    return spec.noContent ? reply.code(status).send() : reply.code(status).send(result);
  };

  // `tags`, `operationId` and `security` only feed the OpenAPI document (http/openapi.ts);
  // operation ids follow DevRev's: `chats-get` for GET, `chats-get-post` for its POST twin.
  const operationId = spec.name.replace(/\./g, '-');
  const docs = {
    tags: [spec.name.split('.')[0]!],
    security: [{ bearer: [] }],
    ...(spec.addition && { 'x-confab-addition': true }),
  };
  const postSchema: FastifySchema = { ...docs, operationId: spec.get ? `${operationId}-post` : operationId, body: spec.request, response };
  app.post(`/${spec.name}`, { schema: postSchema, onRequest }, (request, reply) =>
    handler(request, reply, request.body as Static<Req>),
  );

  if (spec.get) {
    const query = spec.get === true ? spec.request : spec.get;
    const arrayFields = Object.entries(query.properties)
      .filter(([, schema]) => (schema as { type?: unknown }).type === 'array')
      .map(([field]) => field);
    const getSchema: FastifySchema = { ...docs, operationId, querystring: query, response };
    app.get(
      `/${spec.name}`,
      {
        schema: getSchema,
        onRequest,
        // The official clients send arrays as repeated parameters or comma-joined.
        preValidation: async (request) => splitCommaLists(request.query as Record<string, unknown>, arrayFields),
      },
      (request, reply) => handler(request, reply, request.query as Static<Req>),
    );
  }
}

function splitCommaLists(query: Record<string, unknown>, fields: readonly string[]): void {
  for (const field of fields) {
    const value = query[field];
    const values = typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined;
    if (values) query[field] = values.flatMap((item) => (typeof item === 'string' ? item.split(',').filter(Boolean) : [item]));
  }
}
