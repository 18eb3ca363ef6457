import { healthOutput, noInput } from '@devflow/contract';
import { syncOutput } from '../../trpc/output';
import { publicProcedure, router } from '../../trpc/procedures';
import { publicHealth } from './service';

/** Liveness of the API and its dependencies. */
export const healthRouter = router({
  /** Reports whether the database and the cache answer, and which ones this server runs on. */
  check: publicProcedure
    .meta({ openapi: { method: 'GET', path: '/health', tags: ['health'], summary: 'Service health' } })
    .input(noInput)
    .output(syncOutput(healthOutput))
    .query(({ ctx }) => publicHealth(ctx.deps)),
});
