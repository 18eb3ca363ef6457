// pnpm hook: the `engines.node` of a few dependencies, as verified on the Node.js releases DevFlow supports
// (package.json `engines`: >=20.19). They declare Node 22+ because their authors stopped testing Node 20,
// which reached end of life in April 2026, not because they use anything Node 20.19 lacks: without this,
// every install on Node 20 printed one warning per package that a newcomer cannot act on. `pnpm start` prints
// the one line that matters instead (apps/server/src/node-version.ts). How each was verified on Node 20:
//   sanitize-html 2.18   the markdown tests (packages/api/src/platform) and the server's suites
//   @apidevtools/*       the OpenAPI judges (apps/server/src/openapi-*.test.ts) parse the document with them
//   @babel/* 8, ast-kit  build-time only, under tsdown: `pnpm --filter @devflow/client build`
// Bump a version here only after checking it again; a package that truly needs a newer Node stays loud.
const verifiedOnNode20 = {
  'sanitize-html': '2.18.1',
  '@apidevtools/swagger-parser': '13.1.0',
  '@apidevtools/json-schema-ref-parser': '16.0.6',
  '@babel/types': '8.1.3',
  '@babel/parser': '8.1.3',
  '@babel/helper-string-parser': '8.1.3',
  '@babel/helper-validator-identifier': '8.0.6',
  'ast-kit': '3.0.1',
};

module.exports = {
  hooks: {
    readPackage(pkg) {
      if (verifiedOnNode20[pkg.name] === pkg.version) pkg.engines = { ...pkg.engines, node: '>=20.19' };
      return pkg;
    },
  },
};
