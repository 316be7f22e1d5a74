import { createRequire } from 'node:module';

/**
 * From package.json, which sits two levels above src/http, dist/http and dist/bundle alike.
 * A module of its own so that `confab --version` does not load the HTTP stack.
 */
export const CONFAB_VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
