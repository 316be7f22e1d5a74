/** The package's library entry: the typed client. The server is the `confab` command. */
export * from './client/index.js';
