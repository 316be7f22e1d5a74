/**
 * What this server offers beyond DevRev's API (emulator reset, faults, newer operations),
 * read from its own OpenAPI document rather than guessed by calling and failing.
 */
import type { Features } from './context.js';

export async function readFeatures(): Promise<Features> {
  try {
    const response = await window.fetch('/openapi.json', { headers: { accept: 'application/json' } });
    const document = (await response.json()) as { paths?: Record<string, unknown> };
    const operations = new Set(Object.keys(document.paths ?? {}).map((path) => path.replace(/^\//, '')));
    return { emulator: operations.has('confab.reset'), faults: operations.has('confab.faults.list'), operations };
  } catch {
    return { emulator: false, faults: false, operations: new Set() };
  }
}
