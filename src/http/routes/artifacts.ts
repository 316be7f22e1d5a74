import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import {
  checkUploadLink,
  downloadArtifact,
  getArtifact,
  listArtifacts,
  locateArtifact,
  prepareArtifact,
  startUpload,
  uploadArtifact,
  type UploadLimits,
} from '../../domain/artifacts.js';
import { formatDon } from '../../domain/ids.js';
import { isInlineImage } from '../../domain/file-types.js';
import type { Store } from '../../store/index.js';
import { contentDisposition, requestedRange } from '../downloads.js';
import { fileOfForm, MAX_FORM_PARTS } from '../multipart.js';
import { discardAfterAnswer } from '../oversized-bodies.js';
import type { DocumentedErrors } from '../openapi.js';
import { operation } from '../operation.js';
import { presentArtifact } from '../../present/artifacts.js';
import { presentUserSummary } from '../../present/users.js';

const UPLOAD_ERRORS = {
  400:
    'The upload is refused and the link spent (each link takes one attempt, whatever its outcome): `invalid_field` on `file` for an ' +
    `empty file or one over \`ARTIFACT_MAX_BYTES\` (25 MiB by default); \`bad_request\` for a body over that and the form's room, a form of more than ` +
    `${MAX_FORM_PARTS} parts or of more than one file (a form is answered as soon as it crosses a limit, while still being sent); ` +
    '`parse_error` for a malformed form; `missing_required_field` for a form without a file; `value_not_permitted` on `file` for a ' +
    'link already used, or an upload past the uploader\'s storage quota (`ARTIFACT_QUOTA_BYTES_PER_USER`)',
  404: 'The link is forged, altered, expired, of the wrong purpose, or its artifact is gone',
};

/** Room for a multipart envelope around the largest file accepted. */
const FORM_ROOM_BYTES = 64 * 1024;

const DOWNLOAD_ERRORS = {
  404: 'The link is forged, altered, expired, of the wrong purpose, or its artifact is gone',
  416: 'The `Range` starts past the end of the file (`bad_request`; `Content-Range: bytes */<size>` says how large it is)',
};

export function artifactRoutes(app: FastifyInstance, store: Store, limits: UploadLimits, bodyDiscardLimitBytes: number): void {
  const uploadBodyLimit = limits.maxBytes + FORM_ROOM_BYTES;
  operation(app, store, {
    name: 'artifacts.prepare',
    async handle({ store, principal, request }, body) {
      const { artifact, uploadToken } = await prepareArtifact(store, principal, { fileName: body.file_name, fileType: body.file_type });
      // The upload goes to Confab itself; the link in the URL is the permission, so
      // `form_data` has nothing to carry (an object store would want its policy fields here).
      return { id: formatDon('artifact', principal.org.slug, artifact.number), url: `${baseUrl(request)}/artifacts.upload/${uploadToken}`, form_data: [] };
    },
  });

  operation(app, store, {
    name: 'artifacts.get',
    get: true,
    async handle({ store, principal }, body) {
      const artifact = await getArtifact(store, principal, body.id);
      return {
        artifact: presentArtifact(artifact, principal),
        version: { version: '1', timestamp: artifact.uploadedAt ?? artifact.createdAt, modified_by: presentUserSummary(artifact.createdBy, principal) },
      };
    },
  });

  operation(app, store, {
    name: 'artifacts.locate',
    get: true,
    async handle({ store, principal, request }, body) {
      const located = await locateArtifact(store, principal, body.id);
      return { url: `${baseUrl(request)}/artifacts.download/${located.downloadToken}`, expires_at: located.expiresAt };
    },
  });

  operation(app, store, {
    name: 'artifacts.list',
    get: true,
    async handle({ store, principal }, body) {
      const artifacts = await listArtifacts(store, principal, body.parent_id);
      return { artifacts: artifacts.map((artifact) => presentArtifact(artifact, principal)) };
    },
  });

  // Uploads and downloads carry no bearer token: like a pre-signed URL, the signed link is
  // the permission. Their own scope reads bodies as bytes, not JSON.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    // A form goes to the route unread, to be parsed as it arrives; any other body is the
    // file itself, read whole within the limit.
    scope.addContentTypeParser('multipart/form-data', (_request, body, done) => done(null, body));
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: uploadBodyLimit }, (_request, body, done) => done(null, body));

    // A wildcard, not `:token`: the router answers 414 for a parameter over 100 characters.
    scope.post(
      '/artifacts.upload/*',
      {
        bodyLimit: uploadBodyLimit,
        // The link is the permission: without a valid one the body is never read, and the
        // connection closes rather than draining what the caller keeps sending. A valid one
        // is spent here, before the body, so that whatever becomes of this attempt is its last.
        onRequest: async (request, reply) => {
          try {
            await startUpload(store, (request.params as { '*': string })['*']);
          } catch (error) {
            reply.header('connection', 'close');
            throw error;
          }
        },
        schema: {
          summary: 'Upload the file of an artifact (the url from artifacts.prepare; Confab addition)',
          tags: ['artifacts'],
          consumes: ['multipart/form-data', 'application/octet-stream'],
          response: { 204: { type: 'null', description: 'Stored' } },
          errorResponses: UPLOAD_ERRORS,
        } satisfies FastifySchema & DocumentedErrors,
      },
      async (request, reply) => {
      const file = await uploadedFile(request, reply, { fileBytes: limits.maxBytes, bodyBytes: uploadBodyLimit, discardBytes: bodyDiscardLimitBytes });
      const artifactId = await checkUploadLink(store, (request.params as { '*': string })['*']);
      await uploadArtifact(store, artifactId, file, limits);
      return reply.code(204).send();
    },
    );

    scope.get(
      '/artifacts.download/*',
      {
        schema: {
          summary: 'Download the file of an artifact (the url from artifacts.locate; Confab addition)',
          description:
            'PNG, JPEG, GIF and WebP images (recognised by their bytes) come inline; every other file as an attachment. ' +
            'One `Range` of bytes is answered with 206 and `Content-Range`; several ranges, or a malformed one, with the whole file.',
          tags: ['artifacts'],
          produces: ['application/octet-stream'],
          errorResponses: DOWNLOAD_ERRORS,
        } satisfies FastifySchema & DocumentedErrors,
      },
      async (request, reply) => {
        const token = (request.params as { '*': string })['*'];
        const file = await downloadArtifact(store, token);
        const { size } = file;
        const range = requestedRange(request.headers.range, size);
        reply
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'none'; sandbox")
          .header('cache-control', 'private, max-age=300')
          .header('accept-ranges', 'bytes');
        if (range === 'unsatisfiable') {
          return reply
            .code(416)
            .header('content-range', `bytes */${size}`)
            .send({ type: 'bad_request', message: `the range starts past the end of the file (${size} bytes)` });
        }
        reply.header('content-type', file.contentType).header('content-disposition', contentDisposition(file.fileName, isInlineImage(file.contentType)));
        if (range === undefined) return reply.send(await file.read());
        const part = await file.read(range);
        return reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`).send(part);
      },
    );
  });
}

/**
 * The file of an upload: the `file` part of a multipart form (as a browser or DevRev's
 * documented flow sends it), or the raw body of any other request. A form refused
 * part-way is answered at once; the rest of its body is thrown away behind the answer.
 */
async function uploadedFile(request: FastifyRequest, reply: FastifyReply, limits: { fileBytes: number; bodyBytes: number; discardBytes: number }): Promise<Uint8Array> {
  if (!(request.body instanceof Readable)) return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const body = request.body;
  try {
    return await fileOfForm(body, request.headers['content-type'] ?? '', { fileBytes: limits.fileBytes, bodyBytes: limits.bodyBytes });
  } catch (error) {
    discardAfterAnswer(body, reply, limits.discardBytes);
    throw error;
  }
}

function baseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}
