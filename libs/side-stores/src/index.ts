export * from './session-store.js';
export * from './login-throttle.js';
export * from './one-time-store.js';
export * from './blob-store.js';
export * from './reactor-store.js';
export * from './key-store.js';
