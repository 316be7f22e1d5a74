/**
 * Display numbers (CHAN-n, COMMENT-n, …) without a lock held across a transaction (issue 24).
 * A process reserves a block of numbers for an (org, kind) with one statement of its own,
 * committed at once, and hands them out from memory; the counter row is locked only for
 * that statement. Two processes never share a block, so a number is never given twice.
 * What a block leaves unused — the process stopped, a write failed after taking its
 * number — is a gap (README "Display numbers").
 */

/** Numbers reserved at once. A stopped process leaves at most this many unused per (org, kind). */
export const NUMBER_BLOCK_SIZE = 32;

interface Block {
  next: number;
  last: number;
}

/**
 * Reserves `size` numbers after the counter's current value and answers the last of them,
 * in a statement committed on its own (never inside the caller's transaction: a rollback
 * would hand the same block to another process while this one still holds it).
 */
export type ReserveNumbers = (orgId: number, kind: string, size: number) => Promise<number>;

export class NumberBlocks {
  private readonly blocks = new Map<string, Block>();
  private readonly refills = new Map<string, Promise<void>>();
  /** Moves when blocks are forgotten: a reservation begun before then is not used. */
  private generation = 0;

  constructor(readonly size = NUMBER_BLOCK_SIZE) {}

  async take(orgId: number, kind: string, reserve: ReserveNumbers): Promise<number> {
    const key = `${orgId}:${kind}`;
    for (;;) {
      const block = this.blocks.get(key);
      if (block && block.next <= block.last) return block.next++;
      // Concurrent takes of one empty block wait for one reservation, not one each.
      let refill = this.refills.get(key);
      if (!refill) {
        const generation = this.generation;
        refill = reserve(orgId, kind, this.size)
          .then((last) => {
            if (generation === this.generation) this.blocks.set(key, { next: last - this.size + 1, last });
          })
          .finally(() => {
            if (this.refills.get(key) === refill) this.refills.delete(key);
          });
        this.refills.set(key, refill);
      }
      await refill;
    }
  }

  /**
   * A number taken for a write that failed goes back to the block if nothing was taken after
   * it, so that refused requests of one writer leave no gaps; otherwise it stays a gap.
   */
  giveBack(orgId: number, kind: string, number: number): void {
    const block = this.blocks.get(`${orgId}:${kind}`);
    if (block && block.next === number + 1 && number >= block.last - this.size + 1) block.next = number;
  }

  /**
   * Drops the blocks of one org (its counter was moved past numbers loaded in bulk) or of
   * all (the database was replaced or wiped): the next take reserves afresh.
   */
  forget(orgId?: number): void {
    this.generation++;
    this.refills.clear();
    if (orgId === undefined) this.blocks.clear();
    else for (const key of [...this.blocks.keys()]) if (key.startsWith(`${orgId}:`)) this.blocks.delete(key);
  }
}
