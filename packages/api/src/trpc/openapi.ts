import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ERROR_CODE_OF_STATUS, ERROR_STATUSES, type ErrorStatus } from '@devflow/contract/error-codes';
import { forEachOpenApiProcedure, generateOpenApiDocument, type OpenAPIObject } from 'trpc-to-openapi';
import { appRouter } from '../root';
import { SESSION_COOKIE } from './http-context';
import type { ProcedureAccess, ProcedureMeta } from './procedures';

/** The prefix the REST mirror of the procedures is served under. */
export const REST_PREFIX = '/api';

/** What the OpenAPI document needs from the server that publishes it. */
export type OpenApiDocumentOptions = {
  /** Where browsers reach the server (`PUBLIC_URL`); `/api` is appended. */
  publicUrl: string;
  /** The API's version, shown in the reference. */
  version: string;
  /** Folder of the domains whose `router.ts` JSDoc becomes the descriptions; `../domains/` by default. */
  routersDir?: string;
};

const defaultRoutersDir = fileURLToPath(new URL('../domains/', import.meta.url));

/**
 * Reads the JSDoc written above each procedure in `domains/<domain>/router.ts` and returns it by procedure path
 * (`question.create` → "Asks a question …"). JSDoc is where the style guide asks for a procedure's
 * description, so the reference never drifts from the code. Missing folder (a bundled build) → empty map.
 */
export function procedureDocs(routersDir = defaultRoutersDir): Map<string, string> {
  const docs = new Map<string, string>();
  let domains: string[];
  try {
    domains = readdirSync(routersDir).filter((domain) => existsSync(`${routersDir}/${domain}/router.ts`));
  } catch {
    return docs;
  }
  // A doc comment directly followed by an object key: `/** … */\n  create: writerProcedure…`.
  const pattern = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*(\w+)\s*:/g;
  for (const domain of domains) {
    const source = readFileSync(`${routersDir}/${domain}/router.ts`, 'utf8');
    for (const match of source.matchAll(pattern)) {
      const [, comment = '', key = ''] = match;
      const text = comment
        .split('\n')
        .map((line) => line.replace(/^\s*\*\s?/, '').trim())
        .filter((line) => line !== '' && !line.startsWith('@'))
        .join(' ')
        .trim();
      if (text) docs.set(`${domain}.${key}`, text);
    }
  }
  return docs;
}

/** The component every documented error response refers to. */
export const ERROR_SCHEMA_NAME = 'Error';

/** What each documented error status means, in the operation's responses. */
const STATUS_SUMMARY: Record<ErrorStatus, string> = {
  400: 'Invalid input: the message names each invalid field and `data.issues` lists them.',
  401: 'Not signed in: send `Authorization: Bearer <token>` (or, from a browser, the session cookie).',
  403: 'Refused.',
  404: 'Not found.',
  409: 'Conflict.',
  413: 'The request body is larger than 1 MiB.',
  415: 'The request body is not `application/json`.',
  429: 'Too many requests: retry after the `Retry-After` seconds.',
  503: 'The database or a needed cache is unreachable: retry after the `Retry-After` seconds.',
};

/**
 * The body of every error of the REST mirror (`mountOpenApi` in apps/server writes it): the tRPC error
 * shape of `trpc.ts`'s error formatter, with the code on top. Open to new fields, like every output.
 */
const errorSchema = {
  type: 'object',
  description: 'An error: a code, a sentence a person can act on, and details for programs.',
  required: ['code', 'message', 'data'],
  properties: {
    code: {
      type: 'string',
      enum: [...Object.values(ERROR_CODE_OF_STATUS), 'INTERNAL_SERVER_ERROR'],
      description: 'The tRPC error code (the same as `data.code`).',
    },
    message: { type: 'string', description: 'What went wrong, as a sentence for a person.' },
    data: {
      type: 'object',
      required: ['code', 'httpStatus'],
      properties: {
        code: { type: 'string', description: 'The tRPC error code.' },
        httpStatus: { type: 'integer', description: 'The HTTP status of the response.' },
        path: { type: 'string', description: 'The procedure that failed, e.g. `question.create`.' },
        issues: {
          type: ['array', 'null'],
          description: 'For invalid input: one entry per invalid field; otherwise null.',
          items: {
            type: 'object',
            required: ['path', 'message'],
            properties: {
              path: {
                type: 'string',
                description: 'The field, dotted (`tags.0`); empty for the whole input.',
              },
              message: { type: 'string' },
            },
          },
        },
        retryAfter: { type: 'integer', description: 'Seconds to wait before retrying (429 and 503).' },
        requestId: { type: 'string', description: 'Quote it when reporting a problem.' },
      },
    },
    issues: {
      type: 'array',
      description:
        "For invalid input: the validator's own issues (same fields as `data.issues`, path as a list).",
      items: { type: 'object', required: ['message'], properties: { message: { type: 'string' } } },
    },
  },
} as const;

const errorContent = {
  'application/json': { schema: { $ref: `#/components/schemas/${ERROR_SCHEMA_NAME}` } },
};
const retryAfterHeader = {
  'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } },
};

/** Why `access` refuses with 403, beyond what the operation itself declares. */
const FORBIDDEN_BY_ACCESS: Record<ProcedureAccess, string | null> = {
  public: null,
  'signed-in': null,
  writer: 'the account is suspended (it can read, not write)',
  moderator: 'the caller is not a moderator, or is suspended',
  admin: 'the caller is not an admin, or is suspended',
};

/**
 * The error statuses one operation really returns, with why: derived from the procedure (its input, the
 * base procedure's `access`, mutation or query, the method) plus the statuses its own rules add, which
 * the procedure lists in `meta.openapi.errorResponses` (`{ 404: 'No question has this id.' }`).
 */
function errorStatusesOf(operation: {
  type: string;
  access: ProcedureAccess;
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  hasInput: boolean;
  declared: Partial<Record<number, string>>;
}): Map<ErrorStatus, string[]> {
  const { type, access, method, hasInput, declared } = operation;
  const statuses = new Map<ErrorStatus, string[]>();
  const add = (status: ErrorStatus, reason?: string) => {
    const reasons = statuses.get(status) ?? [];
    if (reason) reasons.push(reason);
    statuses.set(status, reasons);
  };
  if (hasInput) add(400);
  if (access !== 'public') add(401);
  if (type === 'mutation')
    add(403, 'a change authenticated by the session cookie came from another site (Origin check)');
  const byAccess = FORBIDDEN_BY_ACCESS[access];
  if (byAccess) add(403, byAccess);
  if (method !== 'get') add(413);
  if (method !== 'get' && hasInput) add(415);
  if (access === 'writer' || access === 'moderator' || access === 'admin')
    add(429, 'too many changes in a minute');
  add(503);
  for (const [key, reason] of Object.entries(declared)) {
    const status = ERROR_STATUSES.find((known) => String(known) === key);
    if (status === undefined)
      throw new Error(`errorResponses: ${key} is not one of ${ERROR_STATUSES.join(', ')}`);
    add(status, reason);
  }
  return statuses;
}

function describeStatus(status: ErrorStatus, reasons: string[]): string {
  if (reasons.length === 0) return STATUS_SUMMARY[status];
  const because = reasons.map((reason) => reason.replace(/\.$/, '')).join('; or ');
  return status === 403 || status === 404 || status === 409
    ? `${STATUS_SUMMARY[status].replace(/\.$/, '')}: ${because}.`
    : `${STATUS_SUMMARY[status]} (${because}.)`;
}

/** Keys of a JSON Schema object that combine other schemas: a schema with one is not merged. */
const COMPOSITION_KEYS = ['$ref', 'anyOf', 'oneOf', 'allOf', 'not'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Rewrites `anyOf: [{ type: T, … }, { type: 'null' }]` (how zod writes `.nullable()`) as one schema with
 * `type: [T, 'null']` (and `null` among its `enum`), in place, everywhere in `node`. Both say the same in
 * OpenAPI 3.1; the single form is what the Scalar reference at `/docs` accepts inside a recursive schema
 * (`ReplyNode`: an `anyOf` anywhere in it failed its document validation with "Expected union value").
 */
export function mergeNullableUnions(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) mergeNullableUnions(item);
    return;
  }
  if (!isRecord(node)) return;
  for (const value of Object.values(node)) mergeNullableUnions(value);
  const { anyOf } = node;
  if (!Array.isArray(anyOf) || anyOf.length !== 2) return;
  const nullIndex = anyOf.findIndex(
    (option) => isRecord(option) && option.type === 'null' && Object.keys(option).length === 1,
  );
  const other: unknown = anyOf[1 - nullIndex];
  if (nullIndex === -1 || !isRecord(other) || typeof other.type !== 'string') return;
  if (COMPOSITION_KEYS.some((key) => key in other)) return;
  delete node.anyOf;
  Object.assign(node, other, { type: [other.type, 'null'] });
  if (Array.isArray(other.enum)) node.enum = [...other.enum, null];
}

/**
 * The OpenAPI 3.1 document of the REST mirror (`/api/*`), generated from the same routers and zod
 * schemas as tRPC, then completed from what the procedures really do:
 * - security: operations built on `publicProcedure` accept anonymous calls (an empty requirement) as
 *   well as a token; the others require the Bearer token or the session cookie;
 * - errors: every operation lists the statuses it really returns (`errorStatusesOf`), each with the one
 *   error body the server sends (`Error`), and `default` for an unexpected failure (500);
 * - descriptions: `meta.openapi.description`, or else the procedure's JSDoc.
 */
export function createOpenApiDocument(options: OpenApiDocumentOptions): OpenAPIObject {
  const base = options.publicUrl.replace(/\/+$/, '');
  const document = generateOpenApiDocument(appRouter, {
    title: 'DevFlow',
    description:
      'The REST mirror of the DevFlow tRPC API. Sign in with `POST /api/auth/login`, then send ' +
      '`Authorization: Bearer <token>`. Browsers may use the session cookie instead; mutations ' +
      'authenticated by cookie must come from the site itself (Origin check). Every error has the same ' +
      'body (`Error`): a `code`, a human `message` and `data` with the HTTP status and, for invalid ' +
      'input, the `issues`.',
    version: options.version,
    baseUrl: `${base}${REST_PREFIX}`,
    securitySchemes: {
      bearerAuth: {
        type: 'http',
        scheme: 'bearer',
        description: 'The session token returned by `auth.login` or `auth.register`.',
      },
      cookieAuth: {
        type: 'apiKey',
        in: 'cookie',
        name: SESSION_COOKIE,
        description: 'The HttpOnly session cookie set at sign-in (browsers).',
      },
    },
  });
  const docs = procedureDocs(options.routersDir);
  const signedIn: Record<string, string[]>[] = [{ bearerAuth: [] }, { cookieAuth: [] }];
  forEachOpenApiProcedure<ProcedureMeta>(appRouter._def.procedures, ({ path, type, meta }) => {
    const { openapi } = meta;
    const method = methodKey(openapi.method);
    const operation = document.paths?.[openapi.path]?.[method];
    if (!operation) return;
    const description = openapi.description ?? docs.get(path);
    if (description) operation.description = description;

    const access = meta.access ?? 'public';
    if (openapi.protect !== undefined && openapi.protect !== (access !== 'public')) {
      throw new Error(
        `${path}: meta.openapi.protect is ${openapi.protect} but the procedure is built for ${access} callers`,
      );
    }
    operation.security = access === 'public' ? [...signedIn, {}] : signedIn;

    const hasInput = operation.requestBody !== undefined || (operation.parameters?.length ?? 0) > 0;
    const declared = openapi.errorResponses ?? {};
    if (Array.isArray(declared)) {
      throw new Error(`${path}: give errorResponses as { status: 'why' } so the reference can say why`);
    }
    const success = operation.responses?.['200'];
    const responses: Record<string, unknown> = { '200': success };
    const statuses = errorStatusesOf({ type, access, method, hasInput, declared });
    for (const status of ERROR_STATUSES) {
      const reasons = statuses.get(status);
      if (!reasons) continue;
      responses[String(status)] = {
        description: describeStatus(status, reasons),
        ...(status === 429 || status === 503 ? { headers: retryAfterHeader } : {}),
        content: errorContent,
      };
    }
    responses.default = {
      description:
        'An unexpected failure (500): the message is generic on purpose; quote `data.requestId` when reporting it.',
      content: errorContent,
    };
    operation.responses = responses;
  });
  const schemas = document.components?.schemas ?? {};
  // The generator's own error schemas (`error.NOT_FOUND`, …) describe a body the server never sends.
  for (const name of Object.keys(schemas)) if (name.startsWith('error.')) delete schemas[name];
  schemas[ERROR_SCHEMA_NAME] = structuredClone(errorSchema) as unknown as (typeof schemas)[string];
  document.components = { ...document.components, schemas };
  mergeNullableUnions(document);
  return document;
}
function methodKey(method: string): 'get' | 'post' | 'put' | 'patch' | 'delete' {
  const key = method.toLowerCase();
  if (key === 'post' || key === 'put' || key === 'patch' || key === 'delete') return key;
  return 'get';
}
