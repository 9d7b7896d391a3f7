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
      name: 'apps-do-not-import-each-other',
      comment: 'The command API and the projector share code through libs (the composition roots live in libs/runtime), never through each other.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'use-cases-are-independent',
      comment:
        'A use-case folder (apps/<app>/src/<area>/<use-case>/) does not import another one: what two use cases need lives in a named shared module (a file of the area, or src/shared/).',
      severity: 'error',
      from: { path: '^apps/[^/]+/src/([^/]+)/([^/]+)/', pathNot: '^apps/[^/]+/src/(shared|testing)/' },
      to: { path: '^apps/[^/]+/src/[^/]+/[^/]+/', pathNot: ['^apps/[^/]+/src/$1/$2/', '^apps/[^/]+/src/shared/', '^apps/[^/]+/src/[^/]+/testing/'] },
    },
    {
      name: 'libs-below-the-runtime',
      comment: 'libs/runtime composes the deployments from the other libraries; none of them imports it back.',
      severity: 'error',
      from: { path: '^libs/(domain|event-store|read-models|side-stores)/' },
      to: { path: '^libs/runtime/' },
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
