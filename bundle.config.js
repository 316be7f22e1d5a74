/**
 * The build's last step: the command line and the library entry as one bundle, because a
 * process that loads ~870 separate modules (Kysely, TypeBox, Fastify and Confab's own)
 * spends most of its start resolving and reading them: importing the server took ~450 ms
 * that way and ~145 ms bundled (idle 2-core machine). `tsc` still writes the modules and
 * their types to dist/; the bundle in dist/bundle/ is what `confab` and `import 'confab'`
 * run. Left outside: native addons, what loads files by path at run time (pino's
 * transports, Swagger's package file, Swagger UI's and @fastify/static's assets, emoji
 * data), and the drivers a process loads only when it uses them.
 */
export default {
  input: {
    cli: 'dist/cli/main.js',
    index: 'dist/index.js',
    // startConfab({ childProcess: true }) runs this file, found beside the library entry.
    child: 'dist/testing/child.js',
  },
  platform: 'node',
  external: [
    'better-sqlite3',
    'pg',
    'ioredis',
    'pino',
    'pino-pretty',
    '@fastify/swagger',
    '@fastify/swagger-ui',
    '@fastify/static',
    'emoji-datasource',
  ],
  output: {
    dir: 'dist/bundle',
    cleanDir: true,
    format: 'esm',
    entryFileNames: '[name].js',
    chunkFileNames: '[name]-[hash].js',
  },
};
