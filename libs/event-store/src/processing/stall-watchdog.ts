import type { LogProcessorStatus } from './log-processor.js';

/**
 * A processor in trouble (its subscription reconnecting, or its last batch failed) that
 * has handled nothing for `limitMs`. An idle processor that is live and has nothing to
 * do is not stalled, however long the log stays quiet.
 */
export function isStalled(status: LogProcessorStatus, now: number, limitMs: number): boolean {
  const troubled = status.subscription === 'reconnecting' || status.lastError !== null;
  return status.running && troubled && now - Date.parse(status.lastProgressAt) > limitMs;
}

/**
 * Checks the processors' statuses (those running at each look: a process standing by
 * for the processors' lease runs none) every `everyMs` and calls `onStall` with the
 * first stalled one's status (once). The caller exits non-zero, so the orchestrator restarts the process: a
 * retry loop that has not recovered in that time is not going to on its own (a
 * connection the client never re-establishes, a store that stays unwritable).
 */
export function watchForStalls(
  statuses: () => LogProcessorStatus[],
  limitMs: number,
  onStall: (status: LogProcessorStatus) => void,
  everyMs = Math.max(10, Math.min(limitMs / 4, 10_000)),
): () => void {
  const timer = setInterval(() => {
    const now = Date.now();
    const stalled = statuses().find((status) => isStalled(status, now, limitMs));
    if (stalled) {
      clearInterval(timer);
      onStall(stalled);
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
