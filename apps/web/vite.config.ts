import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = process.env.DEVFLOW_API ?? 'http://127.0.0.1:3000';

/** `pnpm dev` serves the app with hot reload and proxies API paths to the DevFlow server. */
export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: Object.fromEntries(
      ['/trpc', '/api', '/auth', '/docs', '/openapi.json', '/healthz'].map((path) => [path, api]),
    ),
  },
  build: { outDir: 'dist', sourcemap: true },
});
