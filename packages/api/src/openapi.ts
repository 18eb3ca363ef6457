import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { forEachOpenApiProcedure, generateOpenApiDocument, type OpenAPIObject } from 'trpc-to-openapi';
import { SESSION_COOKIE } from './http-context';
import { appRouter } from './root';

/** The prefix the REST mirror of the procedures is served under. */
export const REST_PREFIX = '/api';

/** What the OpenAPI document needs from the server that publishes it. */
export type OpenApiDocumentOptions = {
  /** Where browsers reach the server (`PUBLIC_URL`); `/api` is appended. */
  publicUrl: string;
  /** The API's version, shown in the reference. */
  version: string;
  /** Folder of the router sources whose JSDoc becomes the descriptions; `routers/` next to this file by default. */
  routersDir?: string;
};

const defaultRoutersDir = fileURLToPath(new URL('./routers/', import.meta.url));

/**
 * Reads the JSDoc written above each procedure in `routers/<domain>.ts` and returns it by procedure path
 * (`question.create` → "Asks a question …"). JSDoc is where the style guide asks for a procedure's
 * description, so the reference never drifts from the code. Missing folder (a bundled build) → empty map.
 */
export function procedureDocs(routersDir = defaultRoutersDir): Map<string, string> {
  const docs = new Map<string, string>();
  let files: string[];
  try {
    files = readdirSync(routersDir).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'));
  } catch {
    return docs;
  }
  // A doc comment directly followed by an object key: `/** … */\n  create: writerProcedure…`.
  const pattern = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*(\w+)\s*:/g;
  for (const file of files) {
    const domain = file.replace(/\.ts$/, '');
    const source = readFileSync(`${routersDir}/${file}`, 'utf8');
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

/**
 * The OpenAPI 3.1 document of the REST mirror (`/api/*`), generated from the same routers and zod
 * schemas as tRPC. Every operation's description is its `meta.openapi.description`, or else the
 * procedure's JSDoc; protected operations accept a Bearer token or the session cookie.
 */
export function createOpenApiDocument(options: OpenApiDocumentOptions): OpenAPIObject {
  const base = options.publicUrl.replace(/\/+$/, '');
  const document = generateOpenApiDocument(appRouter, {
    title: 'DevFlow',
    description:
      'The REST mirror of the DevFlow tRPC API. Sign in with `POST /api/auth/login`, then send ' +
      '`Authorization: Bearer <token>`. Browsers may use the session cookie instead; mutations ' +
      'authenticated by cookie must come from the site itself (Origin check).',
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
  forEachOpenApiProcedure(appRouter._def.procedures, ({ path, meta: { openapi } }) => {
    const description = openapi.description ?? docs.get(path);
    const operation = document.paths?.[openapi.path]?.[methodKey(openapi.method)];
    if (operation && description) operation.description = description;
  });
  return document;
}

function methodKey(method: string): 'get' | 'post' | 'put' | 'patch' | 'delete' {
  const key = method.toLowerCase();
  if (key === 'post' || key === 'put' || key === 'patch' || key === 'delete') return key;
  return 'get';
}
