export * from './event-store.port.js';
export * from './subscription.js';
export * from './hash-chain.js';
export * from './sqlite/sqlite-event-store.js';
export * from './storage-errors.js';
