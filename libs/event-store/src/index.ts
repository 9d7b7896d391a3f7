export * from './event-store.port.js';
export * from './subscription.js';
export * from './hash-chain.js';
export * from './sqlite/sqlite-event-store.js';
export * from './storage-errors.js';
export * from './processing/backoff.js';
export * from './processing/position-waiters.js';
export * from './processing/log-processor.js';
