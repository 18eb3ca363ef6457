/**
 * The client's IP: the socket address, unless `trustedHops` proxies stand in front of the server, in
 * which case the address that many hops back in `X-Forwarded-For` (the last entry the trusted proxies
 * appended). Entries a client writes itself are never believed beyond the trusted hops.
 */
export function clientIp(
  socketAddress: string | undefined,
  forwardedFor: string | undefined,
  trustedHops: number,
): string {
  const socket = normalize(socketAddress ?? 'unknown');
  if (trustedHops === 0 || !forwardedFor) return socket;
  const chain = forwardedFor
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  const candidate = chain[chain.length - trustedHops];
  return candidate ? normalize(candidate) : chain[0] ? normalize(chain[0]) : socket;
}

function normalize(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
