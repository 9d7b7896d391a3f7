export * from './read-store.port.js';
export * from './mingo/mingo-read-store.js';
export * from './projector/projection.js';
export * from './projector/projection-runner.js';
export * from './projections/index.js';
export * from './queries/organizations.queries.js';
export * from './queries/accounts.queries.js';
export * from './queries/members.queries.js';
