export * from './login-throttle.contract.js';
export * from './one-time-store.contract.js';
export * from './session-store.contract.js';
export * from './blob-store.contract.js';
export * from './reactor-store.contract.js';
export * from './key-store.contract.js';
