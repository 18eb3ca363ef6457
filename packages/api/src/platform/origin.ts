/** Host names that always mean "this machine" (as `URL` spells them). */
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

let memo: { publicUrl: string; origins: ReadonlySet<string> } | null = null;

/**
 * The origins a change made with the session cookie may come from (the CSRF check in `trpc.ts`):
 * `PUBLIC_URL`'s origin and, only when its host is a loopback name (`localhost`, `127.0.0.1`, `[::1]`),
 * the other loopback names with the same scheme and port. Those reach the same server on the same
 * machine: a browser opened at http://127.0.0.1:3000 while `PUBLIC_URL` says http://localhost:3000 is
 * not another site. A public host gets no aliases (behind a reverse proxy, `PUBLIC_URL` must be the
 * origin users type), and no other port or host ever passes. Empty when `PUBLIC_URL` is not a URL.
 */
export function trustedOrigins(publicUrl: string): ReadonlySet<string> {
  if (memo?.publicUrl === publicUrl) return memo.origins;
  let origins: ReadonlySet<string>;
  try {
    const url = new URL(publicUrl);
    const port = url.port ? `:${url.port}` : '';
    origins = new Set(
      LOOPBACK_HOSTS.includes(url.hostname)
        ? LOOPBACK_HOSTS.map((host) => `${url.protocol}//${host}${port}`)
        : [url.origin],
    );
  } catch {
    origins = new Set();
  }
  memo = { publicUrl, origins };
  return origins;
}
