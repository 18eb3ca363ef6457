import { z } from 'zod';
import { limitInput } from './common';
import { TAG_MAX_LENGTH } from './limits';

/** Input of `tag.list` / `tag.popular`: an optional slug prefix and a page size. */
export const listTagsInput = z.object({
  q: z.string().trim().toLowerCase().max(TAG_MAX_LENGTH).optional(),
  limit: limitInput,
});

/** A tag with the number of live questions carrying it. */
export const tagOutput = z.object({ slug: z.string(), usageCount: z.number().int() });
