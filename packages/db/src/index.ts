export * from './client';
export * from './errors';
export * from './queries/auth'; // identity group (auth, sessions, OAuth)
export * from './queries/feed';
export * from './queries/follow';
export * from './queries/oauth'; // identity group (auth, sessions, OAuth)
export * from './queries/reply';
export * from './queries/rows';
export * from './queries/session'; // identity group (auth, sessions, OAuth)
export * from './schema';
