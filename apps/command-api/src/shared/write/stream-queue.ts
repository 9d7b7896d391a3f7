interface Entry<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/** What a batch runner reports for each item: its result or its own error. */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

/**
 * A queue per key (a stream name) whose items are handed over in batches: while one
 * batch of a key runs, later items of that key wait and go together in the next. Each
 * item keeps its own outcome; an error of the whole batch rejects every item in it.
 */
export class StreamQueue<T, R> {
  private readonly queues = new Map<string, Entry<T, R>[]>();

  constructor(
    private readonly runBatch: (key: string, items: T[]) => Promise<Settled<R>[]>,
    private readonly maxBatch: number,
  ) {}

  push(key: string, item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const entry = { item, resolve, reject };
      const queue = this.queues.get(key);
      if (queue) {
        queue.push(entry);
        return;
      }
      this.queues.set(key, [entry]);
      void this.drain(key);
    });
  }

  private async drain(key: string): Promise<void> {
    const queue = this.queues.get(key)!;
    while (queue.length > 0) {
      const batch = queue.splice(0, this.maxBatch);
      try {
        const outcomes = await this.runBatch(
          key,
          batch.map((entry) => entry.item),
        );
        batch.forEach((entry, i) => {
          const outcome = outcomes[i];
          if (outcome.ok) entry.resolve(outcome.value);
          else entry.reject(outcome.error);
        });
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
    this.queues.delete(key);
  }
}
