/** Layering rules: dependencies point inward (apps -> read-models/event-store -> domain). */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'libs/domain is pure TypeScript: no Nest, no database client, no I/O, no app code.',
      severity: 'error',
      // Test helpers (given/when/then) may use Jest; they are not part of the build.
      from: { path: '^libs/domain', pathNot: '^libs/domain/src/testing/' },
      to: {
        pathNot: ['^libs/domain'],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'domain-no-node-io',
      comment: 'The domain gets time and ids from the command metadata; it never does I/O.',
      severity: 'error',
      from: { path: '^libs/domain' },
      to: { dependencyTypes: ['core'], path: '^(fs|net|http|https|child_process|dgram|dns|tls|worker_threads)$' },
    },
    {
      name: 'libs-do-not-import-apps',
      severity: 'error',
      from: { path: '^libs' },
      to: { path: '^apps' },
    },
    {
      name: 'event-store-does-not-import-read-models',
      severity: 'error',
      from: { path: '^libs/event-store' },
      to: { path: '^libs/read-models' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^dist|\\.spec\\.ts$|\\.int-spec\\.ts$)' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    // The "types" condition of package.json "imports" points #domain & co. at their sources.
    enhancedResolveOptions: { extensions: ['.ts', '.js'], conditionNames: ['types', 'import', 'default'] },
  },
};
