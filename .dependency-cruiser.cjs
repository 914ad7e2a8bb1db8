/**
 * The shape of Kindred's dependencies, checked by `npm run check:layers` (dependency-cruiser).
 * See docs/decisions/0001-monorepo-and-layers.md.
 *
 * Dependencies point one way, downwards:
 *
 *   cli → server → (care, insight) → access → store → fhir
 *
 * `web` (templates, components, assets) is presentation: it may use the FHIR model and nothing else,
 * and anything from `care` upwards may use it. A package that is not in the table below fails
 * the check until it is given its place here.
 */

/** Which other Kindred packages each package may import. */
const mayImport = {
  fhir: [],
  store: ['fhir'],
  access: ['fhir', 'store'],
  web: ['fhir'],
  care: ['fhir', 'store', 'access', 'web'], // store: types only (rule capability-uses-access)
  insight: ['fhir', 'store', 'access', 'web'],
  server: ['fhir', 'store', 'access', 'care', 'insight', 'web'],
  cli: ['fhir', 'store', 'access', 'care', 'insight', 'server', 'web'],
};
const known = Object.keys(mayImport);

/** Capabilities sit above `access`: they may name the store's types, never hold an unchecked repository. */
const aboveAccess = ['care', 'insight'];

const layerRules = known.map((pkg) => {
  const allowed = [pkg, ...mayImport[pkg]];
  return {
    name: `layer-${pkg}`,
    severity: 'error',
    comment:
      `packages/${pkg} may import only ${mayImport[pkg].length > 0 ? mayImport[pkg].map((p) => `@kindred/${p}`).join(', ') : 'no other Kindred package'}: ` +
      'dependencies point downwards (cli → server → care, insight → access → store → fhir).',
    from: { path: `^packages/${pkg}/` },
    to: { path: '^packages/', pathNot: `^packages/(${allowed.join('|')})/` },
  };
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles (type-only ones included) tie modules into one; break the cycle by moving what both need into a third module.',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'unknown-package',
      severity: 'error',
      comment: 'Every package under packages/ needs its place in the layer table at the top of .dependency-cruiser.cjs.',
      from: { path: '^packages/', pathNot: `^packages/(${known.join('|')})/` },
      to: {},
    },
    {
      name: 'capability-uses-access',
      severity: 'error',
      comment:
        'A capability reaches the record only through @kindred/access, so that every read and write is access-checked; ' +
        'it may import types from @kindred/store but no values.',
      // A capability's tests may open a store (@kindred/store/testing) to run on both backends; its code never.
      from: { path: `^packages/(${aboveAccess.join('|')})/`, pathNot: '\\.test\\.ts$' },
      to: { path: '^packages/store/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'through-package-name',
      severity: 'error',
      comment: 'Import another Kindred package by its name (@kindred/x), never by a relative path into its folder.',
      from: { path: '^packages/([^/]+)/' },
      // an import by package name into a folder without its own package.json is typed 'aliased-workspace'
      to: { path: '^packages/', pathNot: '^packages/$1/', dependencyTypes: ['local'], dependencyTypesNot: ['aliased', 'aliased-workspace'] },
    },
    {
      name: 'fhir-is-pure',
      severity: 'error',
      comment:
        'The FHIR model does no I/O: of Node\'s own modules it may use only node:fs and node:url, to load its generated definitions. ' +
        '(Its tests and its generator script may use more.)',
      from: { path: '^packages/fhir/src/', pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['core'], pathNot: '^(node:)?(fs|url)$' },
    },
    {
      name: 'database-drivers-in-store',
      severity: 'error',
      comment: 'Only packages/store talks to a database: better-sqlite3 and pg may be imported there and in no other package.',
      from: { path: '^packages/', pathNot: '^packages/store/' },
      to: { path: '(^|/)node_modules/(@types/)?(better-sqlite3|pg|pg-[^/]+)/' },
    },
    {
      name: 'fastify-in-server',
      severity: 'error',
      comment: 'Only packages/server speaks HTTP: fastify and its plugins may be imported there and in no other package.',
      from: { path: '^packages/', pathNot: '^packages/server/' },
      to: { path: '(^|/)node_modules/(fastify|@fastify/[^/]+|fastify-[^/]+)/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'This import does not resolve to a file: a typo, a missing file, or a dependency that is not installed.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: '(^|/)node_modules/' },
    exclude: { path: '(^|/)src/generated/' },
    // Type-only imports count: a layer is broken as much by naming a higher layer's types as by calling it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
