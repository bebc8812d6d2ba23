/** Layer rule: arrows point inwards only (see docs/adr/0001). */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-innermost',
      comment: 'src/domain may import only pure libraries and itself.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/(projections|ports|runtime|adapters)/' },
    },
    {
      name: 'projections-import-domain-only',
      severity: 'error',
      from: { path: '^src/projections/' },
      to: { path: '^src/(ports|runtime|adapters)/' },
    },
    {
      name: 'ports-import-domain-only',
      severity: 'error',
      from: { path: '^src/ports/' },
      to: { path: '^src/(projections|runtime|adapters)/' },
    },
    {
      name: 'runtime-never-imports-adapters',
      severity: 'error',
      from: { path: '^src/runtime/' },
      to: { path: '^src/adapters/' },
    },
    {
      name: 'pure-layers-do-no-io',
      comment: 'domain and projections are pure: no node I/O, no DI.',
      severity: 'error',
      from: { path: '^src/(domain|projections)/' },
      to: { path: '^(node:)?(fs|net|http|https|child_process|worker_threads|dgram)$|inversify|ws$|gremlin|@opensearch-project' },
    },
    {
      name: 'inversify-only-in-composition-root',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/adapters/container/' },
      to: { path: 'node_modules/inversify' },
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
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
