/**
 * Group commit: while one batch runs, the items submitted meanwhile wait and run together in the
 * next (at most `maxBatch`). An idle batcher runs an item at once, so a lone caller waits for
 * nothing; under load, one round trip serves many callers. When a shared batch fails, each of its
 * items runs alone, so one bad item fails only its own caller.
 */
export class GroupBatcher<I, O> {
  private queue: { item: I; resolve: (result: O) => void; reject: (error: unknown) => void }[] = [];
  private running = false;

  constructor(
    /** Runs a batch; answers one result per item, in order. */
    private readonly run: (items: readonly I[]) => Promise<readonly O[]>,
    private readonly maxBatch: number,
    private readonly onSplit: (error: unknown, size: number) => void = () => undefined,
  ) {
    if (!Number.isInteger(maxBatch) || maxBatch < 1)
      throw new RangeError(`maxBatch must be ≥ 1: ${maxBatch}`);
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) await this.runBatch(this.queue.splice(0, this.maxBatch));
    } finally {
      this.running = false;
    }
  }

  private async runBatch(batch: typeof this.queue): Promise<void> {
    try {
      const results = await this.run(batch.map((b) => b.item));
      if (results.length !== batch.length) {
        throw new Error(`a batch of ${batch.length} answered ${results.length} results`);
      }
      batch.forEach((b, i) => b.resolve(results[i] as O));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      this.onSplit(error, batch.length);
      await Promise.all(
        batch.map(async (b) => {
          try {
            const [result] = await this.run([b.item]);
            b.resolve(result as O);
          } catch (alone) {
            b.reject(alone);
          }
        }),
      );
    }
  }
}
