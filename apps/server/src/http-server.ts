import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';

/** A listening HTTP server and how to stop it gracefully. */
export type RunningServer = {
  url: string;
  port: number;
  /**
   * Stops accepting connections, lets in-flight requests finish (up to `graceMs`, then drops what is
   * left), and resolves once the listener is closed.
   */
  stop(graceMs?: number): Promise<void>;
};

/** Starts listening on `host:port` (port 0 picks a free one). */
export function startHttpServer(
  app: Pick<Hono, 'fetch'>,
  host: string,
  port: number,
): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) => {
      const shownHost = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${shownHost}:${info.port}`,
        port: info.port,
        stop: (graceMs = 10_000) =>
          new Promise<void>((done) => {
            const force = setTimeout(() => {
              if ('closeAllConnections' in server) server.closeAllConnections();
            }, graceMs);
            force.unref();
            server.close(() => {
              clearTimeout(force);
              done();
            });
            // Idle keep-alive sockets would hold close() open; busy ones close after their response.
            if ('closeIdleConnections' in server) server.closeIdleConnections();
          }),
      });
    });
    server.once('error', reject);
  });
}
