import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestDeps } from '../testing';
import { createContextInner } from './context';
import { syncOutput } from './output';
import { createCallerFactory, publicProcedure, router } from './procedures';

describe('syncOutput', () => {
  it('validates as before: good output passes, bad output is refused', async () => {
    const schema = syncOutput(z.object({ n: z.number().int() }));
    await expect(schema.parseAsync({ n: 1 })).resolves.toEqual({ n: 1 });
    await expect(schema.parseAsync({ n: 'one' })).rejects.toBeInstanceOf(z.ZodError);
  });

  it('refuses an async refinement loudly instead of skipping it', async () => {
    const schema = syncOutput(z.string().refine(async () => true));
    await expect(schema.parseAsync('x')).rejects.toThrow();
  });

  it('keeps a procedure answering INTERNAL_SERVER_ERROR when its output is wrong', async () => {
    const deps = await createTestDeps();
    try {
      const testRouter = router({
        wrong: publicProcedure
          .output(syncOutput(z.object({ id: z.string() })))
          .query(() => ({ id: 42 }) as unknown as { id: string }),
      });
      const caller = createCallerFactory(testRouter)(createContextInner({ deps, user: null }));
      const failure = await caller.wrong().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(TRPCError);
      expect(failure).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', message: 'Output validation failed' });
    } finally {
      await deps.close();
    }
  });
});
