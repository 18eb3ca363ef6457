import { defineConfig } from 'tsdown';

/**
 * Builds `@devflow/client` for apps outside the monorepo: ESM JavaScript and its `.d.mts`. The router
 * types come from the API package's declarations, which `scripts/bundle-router-types.mjs` bundles into
 * one self-contained `dist/router.d.ts` afterwards (see there why), so a consumer never needs the DevFlow
 * sources nor any server package.
 */
export default defineConfig({
  entry: ['src/index.ts'],
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outDir: 'dist',
  clean: true,
  dts: true,
  // `@devflow/contract` (its zod-free limits and error codes) is bundled in: it is not published on its own.
  deps: { neverBundle: [/^@trpc\//, /^@devflow\/(?!contract\/(?:limits|error-codes)$)/] },
});
