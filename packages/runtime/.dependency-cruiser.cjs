/**
 * Import rules for the runtime package, checked by `npm run lint` (dependency-cruiser).
 * - no-circular: a module may not reach itself through its imports.
 * - components-not-runtime: components/ is a leaf (docs architecture) and may not import the
 *   runtime layer. Test files are exempt (a test may drive a component through the layer above it).
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make load order matter and hide layering mistakes: move the shared piece into its own module.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'components-not-runtime',
      severity: 'error',
      comment: 'components/ is a leaf: it must not import the API, server, invocation, delivery, security or configuration layers.',
      from: { path: '^src/components/', pathNot: '\\.test\\.ts$' },
      to: {
        path: [
          '^src/api/',
          '^src/server/',
          '^src/invoke/',
          '^src/pubsub/',
          '^src/bindings/[^/]+$',
          '^src/runtime\\.ts$',
          '^src/lifecycle/',
          '^src/security/',
          '^src/acl/',
          '^src/config/configuration\\.ts$',
        ],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|dist-check)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.json'] },
  },
};
