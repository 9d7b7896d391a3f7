/**
 * Callers waiting for a follower of the log (the projector, the audit log) to reach a
 * position: each resolves true once it is reached, false after its timeout or when the
 * follower stops.
 */
export class PositionWaiters {
  private waiters: { position: number; resolve: (ok: boolean) => void }[] = [];

  wait(current: number, position: number, timeoutMs: number): Promise<boolean> {
    if (position <= current) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = {
        position,
        resolve: (ok: boolean) => {
          clearTimeout(timer);
          resolve(ok);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** The follower has reached `position`. */
  reached(position: number): void {
    const ready = this.waiters.filter((w) => w.position <= position);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.position > position);
    for (const waiter of ready) waiter.resolve(true);
  }

  /** The follower stopped: nobody waits on. */
  cancelAll(): void {
    for (const waiter of this.waiters) waiter.resolve(false);
    this.waiters = [];
  }
}
