import type { ProjectionProgress } from './log-processor.js';

/**
 * Progress of a follower of the log that runs in another process: its stored checkpoint,
 * read again every `pollMs` while someone waits (an API replica beside the projector
 * process, a standby projector).
 */
export class PolledProgress implements ProjectionProgress {
  constructor(
    private readonly read: (projectionIds?: readonly string[]) => Promise<number>,
    private readonly pollMs = 25,
  ) {}

  checkpoint(projectionIds?: readonly string[]): Promise<number> {
    return this.read(projectionIds);
  }

  async waitFor(position: number, timeoutMs: number, projectionIds?: readonly string[]): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ((await this.read(projectionIds)) >= position) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(this.pollMs, Math.max(1, deadline - Date.now()))));
    }
  }
}

/**
 * The progress of a follower this process may or may not run at a given moment (it runs
 * while it holds the processors' lease): the local processor's own waiters while it
 * runs, the stored checkpoint otherwise. A wait that outlives the local processor (the
 * lease lost meanwhile) goes on against the stored checkpoint.
 */
export class LocalOrStoredProgress implements ProjectionProgress {
  constructor(
    private readonly local: () => ProjectionProgress | null,
    private readonly stored: ProjectionProgress,
  ) {}

  checkpoint(projectionIds?: readonly string[]): Promise<number> {
    return (this.local() ?? this.stored).checkpoint(projectionIds);
  }

  async waitFor(position: number, timeoutMs: number, projectionIds?: readonly string[]): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const local = this.local();
      const remaining = Math.max(0, deadline - Date.now());
      if (!local) return this.stored.waitFor(position, remaining, projectionIds);
      if (await local.waitFor(position, remaining, projectionIds)) return true;
      // Timed out while the same processor still runs: a real timeout.
      if (this.local() === local || Date.now() >= deadline) return false;
    }
  }
}
