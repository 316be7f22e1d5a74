/**
 * The web console at `/`: the files Vite built into `dist/web`, served as they are, under a
 * Content-Security-Policy that lets the page run only its own scripts and talk only to
 * this origin. The console calls the public API like any other client: no private routes.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { NotFound } from '../domain/errors.js';

/** dist/web sits two levels above both src/http and dist/http. */
export const CONSOLE_ROOT = fileURLToPath(new URL('../../dist/web/', import.meta.url));

export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export async function registerConsole(app: FastifyInstance, root = CONSOLE_ROOT): Promise<void> {
  if (!existsSync(`${root}index.html`)) {
    // A checkout that ran `tsc` alone: say what is missing instead of a bare 404.
    app.get('/', { schema: { hide: true } }, async () => {
      throw new NotFound('route', 'GET / (the web console is not built: run `npm run build`)');
    });
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    // One route per built file (the build is done before the server starts), so unknown
    // paths still reach the DevRev 404 handler and the API's GET twins are untouched.
    wildcard: false,
    index: ['index.html'],
    schemaHide: true,
    // The headers below say how long each file may be kept; @fastify/static would add its own.
    cacheControl: false,
    setHeaders(response, path) {
      response.setHeader('content-security-policy', CONSOLE_CSP);
      response.setHeader('x-content-type-options', 'nosniff');
      response.setHeader('referrer-policy', 'no-referrer');
      // Hashed assets never change; index.html must be read again to learn their names.
      response.setHeader('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}
