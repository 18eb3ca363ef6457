/** The Node.js major release DevFlow recommends: the current LTS, the one the Docker image runs. */
export const RECOMMENDED_NODE_MAJOR = 24;

/**
 * The one line the server prints at start-up on a Node.js older than the recommended LTS (`version` is
 * `process.versions.node`), or null on the recommended release and newer. Node 20 still runs DevFlow
 * (`engines` allows >=20.19) but gets no security fixes since April 2026 (README, "Node.js versions").
 */
export function nodeVersionAdvice(version: string): string | null {
  const major = Number(version.split('.')[0]);
  if (!Number.isInteger(major) || major >= RECOMMENDED_NODE_MAJOR) return null;
  return `Node ${RECOMMENDED_NODE_MAJOR} LTS is recommended (this is Node ${version}, which still runs DevFlow but gets no security fixes): see README, "Node.js versions"`;
}
