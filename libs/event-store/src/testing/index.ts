export * from './event-store.contract.js';
export * from './log-processor.contract.js';
export * from './faulty-event-store.js';
