/**
 * Builds the console into dist/web with hashed asset names. The bundle's gzipped size is
 * reported after every build, and a build over the budget fails.
 */
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig, type Plugin } from 'vite';

const BUDGET_BYTES = 150 * 1024;

function bundleBudget(): Plugin {
  return {
    name: 'confab-bundle-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      let total = 0;
      for (const file of Object.values(bundle)) {
        const content = file.type === 'chunk' ? file.code : file.source;
        total += gzipSync(typeof content === 'string' ? Buffer.from(content) : Buffer.from(content)).length;
      }
      const kb = (total / 1024).toFixed(1);
      process.stdout.write(`\nconsole bundle: ${kb} KB gzipped, budget ${BUDGET_BYTES / 1024} KB\n`);
      if (total > BUDGET_BYTES) this.error(`the console bundle is ${kb} KB gzipped, over the ${BUDGET_BYTES / 1024} KB budget`);
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [preact({ devToolsInProd: false, prefreshEnabled: false }), bundleBudget()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    // A CSP without 'unsafe-inline' must not meet an inlined script or a data: module.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: true,
  },
  server: { host: '127.0.0.1' },
});
