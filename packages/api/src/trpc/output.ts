import type { z } from 'zod';

/**
 * Makes tRPC validate a procedure's output with zod's synchronous parse, and returns the schema. tRPC v11
 * validates outputs with `parseAsync` when the schema has one, and zod 4 runs its compiled fast path only
 * for synchronous parses: a question page with 32 answers took 55 µs through `parseAsync` and 19 µs
 * through `parse` — 211 µs per `question.byId` request under load, with the garbage it leaves
 * (bench/NOTES.md). The same checks and the same error (tRPC still answers INTERNAL_SERVER_ERROR "Output
 * validation failed"). The schema itself gets the synchronous `parseAsync` (a copy would lose its
 * registry metadata, the OpenAPI component ids): output schemas hold no async refinements, and `parse`
 * refuses one loudly rather than skipping it.
 */
export function syncOutput<T extends z.ZodType>(schema: T): T {
  const parse = schema.parse.bind(schema);
  schema.parseAsync = async (data, params) => parse(data, params);
  return schema;
}
