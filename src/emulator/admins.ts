/**
 * Who runs the emulator: the admins of the organizations it started with — those of its
 * fixtures file, or the first organization of a first start (and `startConfab`'s admin
 * organization) — recorded by row id when the emulator starts. Not a property anyone can
 * give themselves later: tenants (`confab.orgs.create`) and organizations an import adds
 * come after the start, so their admins, even ones their own fixtures mark as admins,
 * are admins of their own organization only. A reset or a snapshot's restore puts back
 * images of this same database, in which those rows keep their ids.
 */
import { Forbidden } from '../domain/errors.js';
import type { Principal } from '../model/index.js';
import type { Store } from '../store/index.js';

export class EmulatorAdmins {
  private constructor(private readonly orgIds: ReadonlySet<number>) {}

  /** Called once, after the fixtures (or the first organization) are loaded and before any request. */
  static async recordAtStart(store: Store): Promise<EmulatorAdmins> {
    return new EmulatorAdmins(new Set((await store.orgs.list()).map((org) => org.id)));
  }

  /** The one rule: an admin of an organization the emulator started with. */
  includes(principal: Principal): boolean {
    return principal.user.isAdmin && this.orgIds.has(principal.org.id);
  }

  /** Whole-emulator operations (reset, snapshots, new organizations, imports across organizations). */
  require(principal: Principal, action: string): void {
    if (!this.includes(principal)) {
      throw new Forbidden(`only the emulator's own admins (of the organizations it started with) may ${action}`);
    }
  }
}
