/**
 * Runs a drain one at a time: a wake-up during a drain makes it go round once more rather
 * than start a second, concurrent one. The dispatcher and the delivery worker both drain
 * the outbox this way, woken by local commits and by a poll.
 */
export class SerialDrain {
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  /** `batch` answers true when it did a full batch and there may be more. */
  constructor(
    private readonly batch: () => Promise<boolean>,
    private readonly onError: (error: unknown) => void,
  ) {}

  readonly wake = (): void => void this.run();

  /** Lets the drain in progress finish its batch, and starts no more. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  private async run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          while (!this.stopped && (await this.batch()));
        } catch (error) {
          this.onError(error);
        }
      } while (this.again && !this.stopped);
    })();
    await this.running;
    this.running = undefined;
  }
}
