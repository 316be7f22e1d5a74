/**
 * The web console at `/`: the files Vite built into `dist/web`, served as they are, under a
 * Content-Security-Policy that lets the page run only its own scripts and talk only to
 * this origin. The console calls the public API like any other client: no private routes.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
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
    // Routes are ours, below: @fastify/static would find the files with a glob, whose first
    // run was ~20 ms of every server's start for a directory of four files.
    serve: false,
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
  // One route per built file (the build is done before the server starts), so unknown
  // paths still reach the DevRev 404 handler and the API's GET twins are untouched.
  for (const file of builtFiles(root)) {
    app.get(`/${file}`, { schema: { hide: true } }, (_request, reply) => reply.sendFile(file));
  }
  app.get('/', { schema: { hide: true } }, (_request, reply) => reply.sendFile('index.html'));
}

/** Paths of the files under `root`, relative to it, with forward slashes. */
function builtFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'));
}
