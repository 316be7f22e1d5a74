/**
 * How many of something each key holds at once (sockets per address, requests in flight
 * per client, event streams per token or user), each capped. A key is forgotten at zero,
 * so the map holds only current holders however many have come and gone.
 */
export class Holdings<K = string> {
  private readonly held = new Map<K, number>();

  /** Takes one for `key` unless it already holds `max` (0 = no cap). */
  take(key: K, max: number): boolean {
    const holding = this.held.get(key) ?? 0;
    if (max > 0 && holding >= max) return false;
    this.held.set(key, holding + 1);
    return true;
  }

  give(key: K): void {
    const left = (this.held.get(key) ?? 1) - 1;
    if (left > 0) this.held.set(key, left);
    else this.held.delete(key);
  }
}
