import type { RecordedEvent, Subscription } from './event-store.port.js';

/** A wake-up signal: waiters resolve on the next notify (or on close). */
export class Signal {
  private waiters: (() => void)[] = [];
  private closed = false;

  wait(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  close(): void {
    this.closed = true;
    this.notify();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}

/**
 * Catch-up then live, with no gap between the two: the subscription always reads
 * the log after its own last position and only sleeps when a read came back empty.
 * A notify that lands between the empty read and the sleep is not lost, because
 * the signal is armed before the read.
 */
export function pollingSubscription(options: {
  after: number;
  readPage: (after: number) => Promise<RecordedEvent[]>;
  signal: Signal;
  /** Also read again after this long without a signal: events another process wrote send none. */
  pollMs?: number;
}): Subscription {
  let closed = false;
  let onClose: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (onClose = resolve));
  return {
    async close() {
      closed = true;
      onClose();
    },
    async *[Symbol.asyncIterator]() {
      let after = options.after;
      while (!closed && !options.signal.isClosed) {
        let timer: NodeJS.Timeout | undefined;
        const polled = options.pollMs === undefined ? [] : [new Promise<void>((resolve) => (timer = setTimeout(resolve, options.pollMs)))];
        const wake = Promise.race([options.signal.wait(), stopped, ...polled]).finally(() => clearTimeout(timer));
        const page = await options.readPage(after);
        for (const event of page) {
          if (closed) return;
          after = event.position;
          yield event;
        }
        if (page.length === 0) await wake;
      }
    },
  };
}
