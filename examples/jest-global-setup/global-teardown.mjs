export default async function globalTeardown() {
  await globalThis.__CONFAB__.close();
}
