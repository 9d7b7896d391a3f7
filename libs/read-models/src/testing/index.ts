export * from './read-store.contract.js';
export * from './audit-log.contract.js';
export * from './faulty-read-store.js';
