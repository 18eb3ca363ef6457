import { z } from 'zod';

/** Input of `tag.list` / `tag.popular`: an optional slug prefix and a page size. */
export const listTagsInput = z.object({
  q: z.string().trim().toLowerCase().max(35).optional(),
  limit: z.number().int().min(1).max(100).default(20),
});

/** A tag with the number of live questions carrying it. */
export const tagOutput = z.object({ slug: z.string(), usageCount: z.number().int() });
