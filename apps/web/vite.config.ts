import react from '@vitejs/plugin-react';
import { defineConfig, type ProxyOptions } from 'vite';

const api = process.env.DEVFLOW_API ?? 'http://127.0.0.1:3000';
const devPort = 5173;

/**
 * Proxies one API path to the DevFlow server. The browser sends `Origin: http://<vite host>:5173`, which
 * the server's CSRF check would refuse for cookie-authenticated mutations; requests that come from this
 * dev server's own pages are re-labelled with the API's origin, anything else is passed on untouched.
 */
function toApi(): ProxyOptions {
  return {
    target: api,
    configure: (proxy) => {
      proxy.on('proxyReq', (proxyReq, req) => {
        const origin = req.headers.origin;
        if (origin && new URL(origin).port === String(devPort))
          proxyReq.setHeader('origin', new URL(api).origin);
      });
    },
  };
}

/** `pnpm dev` serves the app with hot reload and proxies API paths to the DevFlow server. */
export default defineConfig({
  plugins: [react()],
  server: {
    port: devPort,
    strictPort: true,
    proxy: Object.fromEntries(
      ['/trpc', '/api', '/auth', '/docs', '/openapi.json', '/healthz'].map((path) => [path, toApi()]),
    ),
  },
  build: { outDir: 'dist', sourcemap: true },
});
