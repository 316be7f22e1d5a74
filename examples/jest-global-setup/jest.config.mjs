/** Jest runs ES modules with NODE_OPTIONS=--experimental-vm-modules (see the README). */
export default {
  rootDir: import.meta.dirname,
  testMatch: ['<rootDir>/*.test.mjs'],
  transform: {},
  globalSetup: '<rootDir>/global-setup.mjs',
  globalTeardown: '<rootDir>/global-teardown.mjs',
};
