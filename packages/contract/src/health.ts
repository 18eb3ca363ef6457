import { z } from 'zod';

/** Output of `health.check` (and body of `/healthz`). */
export const healthOutput = z.object({
  ok: z.boolean(),
  db: z.enum(['pglite', 'postgres']),
  cache: z.enum(['memory', 'redis']),
});
