/**
 * @devflow/contract: what every side of DevFlow agrees on — the zod schemas of every procedure's input and
 * output, the limits a client also shows, and the user-facing messages. It depends on zod only, so the web
 * app, the client package and the CLI import it as freely as the API does. The browser imports only the
 * zod-free modules (`@devflow/contract/limits`, `/messages`, `/privileges`, `/badges`, `/return-to`), so no schema (and no zod) is
 * bundled into the web app.
 */
export * from './answer';
export * from './auth';
export * from './badges';
export * from './common';
export * from './feed';
export * from './follow';
export * from './format';
export * from './health';
export * from './limits';
export * from './live';
export * from './messages';
export * from './moderation';
export * from './notification';
export * from './notification-kinds';
export * from './oauth';
export * from './privileges';
export * from './question';
export * from './reaction';
export * from './reply';
export * from './return-to';
export * from './tag';
export * from './user';
export * from './watching';
