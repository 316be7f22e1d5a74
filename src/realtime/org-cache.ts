import type { Org } from '../model/index.js';
import type { Store } from '../store/index.js';

/** Organizations by id, for presenting events: they are few and never renamed. */
export class OrgCache {
  private readonly orgs = new Map<number, Org>();

  constructor(private readonly store: Store) {}

  async get(orgId: number): Promise<Org | undefined> {
    if (!this.orgs.has(orgId)) for (const org of await this.store.orgs.list()) this.orgs.set(org.id, org);
    return this.orgs.get(orgId);
  }

  clear(): void {
    this.orgs.clear();
  }
}
