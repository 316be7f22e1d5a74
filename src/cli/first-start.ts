/**
 * The first start's admin token, shown once. A terminal is a person watching: it is
 * printed there. Anywhere else stdout is a log (a file, journald, a collector) that keeps
 * what it is given for whoever reads logs, so the token goes to a file only its owner can
 * read, and the log names that file.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Logger } from 'pino';
import { DEFAULT_ADMIN_TOKEN_FILE } from '../config.js';
import { formatDisplayId } from '../domain/ids.js';
import type { InitResult } from '../domain/orgs.js';

export async function announceFirstRun(
  url: string,
  firstRun: InitResult,
  logger: Logger,
  { isTty = !!process.stdout.isTTY, tokenFile = DEFAULT_ADMIN_TOKEN_FILE }: { isTty?: boolean; tokenFile?: string } = {},
): Promise<void> {
  if (isTty) {
    printFirstRun(url, firstRun);
    return;
  }
  const { org, user, token, expiresAt } = firstRun;
  const path = resolve(tokenFile);
  const admin = `admin ${user.email} (${formatDisplayId(user.type, user.number)})`;
  // Logged at warn: it is said once, and LOG_LEVEL=warn must not hide where the token is.
  try {
    await writeOwnerOnlyFile(path, `${token}\n`);
    logger.warn(
      { adminTokenFile: path, org: org.name, admin: user.email, expiresAt, console: `${url}/` },
      `First start: created organization "${org.name}" and ${admin}; the admin API token (expires ${expiresAt}) is in ${path}, readable only by this user`,
    );
  } catch (error) {
    logger.error(
      { err: error, adminTokenFile: path, org: org.name, admin: user.email },
      `First start: created organization "${org.name}" and ${admin}, but could not write its token to ${path}; make one with \`confab tokens create --user ${formatDisplayId(user.type, user.number)}\``,
    );
  }
}

/**
 * Written whole under a fresh name and renamed into place: created 0600 (never widened
 * later, never through a file or symlink already there), so no one else can read it even
 * for a moment, and a reader never sees half a token.
 */
async function writeOwnerOnlyFile(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const file = await open(temporary, 'wx', 0o600);
  try {
    await file.writeFile(content);
    await file.sync();
  } catch (error) {
    await file.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await file.close();
  await rename(temporary, path);
}

function printFirstRun(url: string, { org, user, token, expiresAt }: InitResult): void {
  process.stdout.write(
    [
      '',
      `First start: created organization "${org.name}" and admin ${user.email} (${formatDisplayId(user.type, user.number)}).`,
      `Admin API token (shown once, keep it; it expires ${expiresAt}):`,
      `  ${token}`,
      '',
      `Web console: ${url}/  (sign in there with this token)`,
      '',
      'Try it:',
      `  curl -s ${url}/dev-users.self -H "Authorization: Bearer ${token}"`,
      '',
    ].join('\n'),
  );
}
