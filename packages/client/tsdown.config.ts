import { defineConfig } from 'tsdown';

/**
 * Builds `@devflow/client` for apps outside the monorepo: ESM JavaScript and its `.d.ts`. The router
 * types come from the API package's declarations, which `scripts/bundle-router-types.mjs` copies into
 * `dist/api/` afterwards (see there why), so a consumer never needs the DevFlow sources.
 */
export default defineConfig({
  entry: ['src/index.ts'],
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outDir: 'dist',
  clean: true,
  dts: true,
  deps: { neverBundle: [/^@trpc\//, /^@devflow\//] },
});
