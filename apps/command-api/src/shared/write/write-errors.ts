import { DomainError } from '#domain';

/** The client's If-Match names an older version than the resource's; the problem filter adds the current ETag. */
export const staleRevision = (expected: number, actual: number) =>
  new DomainError('stale-revision', `The resource is at version ${actual}, not ${expected}; reload it and try again`, { expectedRevision: expected, currentRevision: actual });

export const idempotencyKeyReused = () => new DomainError('idempotency-key-reused', 'This Idempotency-Key was already used with a different request');

export const tooManyConflicts = () => new DomainError('concurrency-conflict', 'Too many concurrent changes to this resource; try again');
