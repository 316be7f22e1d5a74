/**
 * Sends a file's bytes to the signed upload link `artifacts.prepare` gave. This is the one
 * request the console makes outside the typed client: the link is not a DevRev operation
 * (it carries no token; the link is the permission). XMLHttpRequest rather than fetch,
 * because only it reports how much of the body has gone.
 */
import { ConfabApiError, ConfabTransportError } from '../../src/client/index.js';

export interface Upload {
  done: Promise<void>;
  abort(): void;
}

/** Names the upload in errors, as operations are named in the client's. */
const OPERATION = 'artifacts.upload';

export function uploadToSignedLink(url: string, file: File, onProgress: (fraction: number) => void): Upload {
  const request = new XMLHttpRequest();
  const done = new Promise<void>((resolve, reject) => {
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) return resolve();
      reject(refusal(request));
    };
    // A refusal is an answer (onload), even one sent while the body was still going out;
    // this is the connection itself failing.
    request.onerror = () => reject(new ConfabTransportError(OPERATION, 'the connection failed during the upload'));
    request.onabort = () => reject(new DOMException('upload cancelled', 'AbortError'));
    request.open('POST', url);
    // As DevRev's docs upload: a form whose `file` part is the file (form_data is always empty here).
    const form = new FormData();
    form.append('file', file, file.name);
    request.send(form);
  });
  return { done, abort: () => request.abort() };
}

/** The server's DevRev error body, or a transport error when the answer is not one. */
function refusal(request: XMLHttpRequest): Error {
  try {
    const body = JSON.parse(request.responseText) as { type?: unknown; message?: unknown };
    if (typeof body.type === 'string' && typeof body.message === 'string') {
      return new ConfabApiError(OPERATION, request.status, { type: body.type, message: body.message }, request.getResponseHeader('x-request-id'));
    }
  } catch {
    // Not JSON: described below.
  }
  return new ConfabTransportError(OPERATION, `the upload was answered ${request.status}`);
}
