import { validate } from '@readme/openapi-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { routeTable } from '../src/http/openapi.js';
import { useEmulator } from './helpers/server.js';

// Emulator mode, so that the document is checked with every route a server can have.
const server = useEmulator(new URL('../examples/emulator/fixtures.json', import.meta.url).pathname);
let doc: any;
beforeAll(async () => {
  const response = await fetch(`${server.url}/openapi.json`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  doc = await response.json();
});

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(doc));
    expect(result.valid ? [] : result.errors).toEqual([]);
  });

  it('would be rejected by the validator if it were broken (the check above can fail)', async () => {
    const broken = structuredClone(doc);
    broken.paths['/chats.get'].get.responses['200'].content['application/json'].schema = { $ref: '#/components/schemas/nope' };
    expect((await validate(broken)).valid).toBe(false);
  });

  it('documents every route the server has, except the document and the reference page themselves', () => {
    const routes = routeTable(server.server.app).filter((route) => route.method !== 'HEAD');
    expect(routes.length).toBeGreaterThan(8);
    const missing = routes
      // @fastify/swagger writes a wildcard route (`/artifacts.upload/*`) as a `{*}` parameter.
      .filter((route) => !route.hidden && !doc.paths[route.url.replace(/\*$/, '{*}')]?.[route.method.toLowerCase()])
      .map((route) => `${route.method} ${route.url}`);
    expect(missing).toEqual([]);
    const hidden = routes.filter((route) => route.hidden).map((route) => route.url);
    // The web console's files (dist/web) are pages, not operations.
    const consoleFile = (url: string) => url === '/' || url === '/index.html' || url === '/favicon.svg' || url.startsWith('/assets/');
    expect(hidden.filter((url) => !(url === '/openapi.json' || url.startsWith('/docs') || consoleFile(url)))).toEqual([]);
    expect(doc.paths['/confab.reset'].post).toBeDefined();
  });

  it('declares the bearer scheme and requires it on every DevRev operation', () => {
    expect(doc.components.securitySchemes.bearer).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    expect(doc.paths['/chats.create'].post.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/health'].get.security).toBeUndefined();
  });

  it('describes bodies and every DevRev error response of an operation', () => {
    const create = doc.paths['/chats.create'].post;
    expect(create.operationId).toBe('chats-create');
    expect(create.requestBody.content['application/json'].schema.required).toEqual(['type', 'users']);
    expect(create.responses['201'].content['application/json'].schema.properties.chat).toBeDefined();
    for (const status of ['400', '401', '403', '404', '409', '429', '500', '503']) {
      expect(create.responses[status].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/error' });
    }
    expect(doc.paths['/chats.get'].get.parameters.map((parameter: { name: string }) => parameter.name)).toContain('id');
    expect(doc.components.schemas.error.required).toEqual(['type', 'message']);
  });

  it('describes the 429 of the event stream caps (per token, per user)', () => {
    const stream = doc.paths['/events.stream'].get;
    expect(stream.security).toEqual([{ bearer: [] }]);
    expect(stream['x-confab-addition']).toBe(true);
    expect(stream.responses['429'].description).toMatch(/open event streams for the token or user/);
    expect(stream.responses['429'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/error' });
  });
});

describe('GET /docs', () => {
  it('serves the reference page and its assets from the package, no internet needed', async () => {
    const page = await fetch(`${server.url}/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('swagger-ui');
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)[a-z]/i);
    const css = await fetch(`${server.url}/docs/static/swagger-ui.css`);
    expect(css.status).toBe(200);
    expect((await css.text()).length).toBeGreaterThan(1000);
    const json = await fetch(`${server.url}/docs/json`);
    expect((await json.json()).paths['/chats.create']).toBeDefined();
  });
});
