/**
 * Error codes of storage refusing to read or write (a full disk, an I/O error, a
 * read-only, locked or damaged file, no file handles left): the request is not at fault
 * and may succeed later. One list, for the HTTP answer (503) and for the event store's
 * own record of failing writes (health).
 */
const STORAGE_ERROR_CODES = /^(SQLITE_(FULL|IOERR|READONLY|CANTOPEN|BUSY|LOCKED|CORRUPT|NOTADB|PROTOCOL|NOMEM)|ENOSPC|EIO|EROFS|EDQUOT|EMFILE|ENFILE)/;

export function isStorageErrorCode(code: unknown): code is string {
  return typeof code === 'string' && STORAGE_ERROR_CODES.test(code);
}

/**
 * The event log's server stayed out of reach (unavailable, not the leader, past its
 * deadline) through the adapter's whole retry budget. The request may succeed later:
 * HTTP answers 503 `event-store-unavailable` with Retry-After.
 */
export class EventStoreUnavailableError extends Error {
  readonly code = 'EVENT_STORE_UNAVAILABLE';
  constructor(operation: string, attempts: number, cause: unknown) {
    super(`The event store was unreachable for ${operation} after ${attempts} attempts: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'EventStoreUnavailableError';
    this.cause = cause;
  }
}
