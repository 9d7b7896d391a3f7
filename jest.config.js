// Jest 30 in native ESM mode: NestJS 12 is ESM only (see DESIGN.md).
// Run with NODE_OPTIONS=--experimental-vm-modules (the npm scripts do).
import { readFileSync } from 'node:fs';

function subpathImports() {
  const { imports } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
  return Object.fromEntries(Object.entries(imports).map(([name, target]) => [`^${name}$`, `<rootDir>/${target.types.slice(2)}`]));
}

const base = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    // The package's subpath imports (#domain, ...; package.json "imports"), to their sources.
    ...subpathImports(),
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  // Tests and hooks (they share this default): 5 s is too little for a hook that starts an
  // app on a loaded CI machine of two cores running two test workers (disk-full's beforeAll
  // passed 5 s on Node 24 there). A bound against hangs, not a performance target.
  testTimeout: 30_000,
};

export default {
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  // Here, not only in `base`: jest-circus reads the timeout from the global config, and a
  // project's own was ignored (a beforeAll still timed out at 5 s on CI).
  testTimeout: base.testTimeout,
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.spec.ts'],
    },
    {
      ...base,
      displayName: 'integration',
      // Contract suites against EventStoreDB and MongoDB: they skip themselves when
      // EVENTSTORE_CONNECTION_STRING / MONGODB_URI are not set.
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.int-spec.ts'],
    },
  ],
};
