export * from './client';
export * from './errors';
export * from './queries/feed';
// People group (users, follows, notifications): queries/follow, queries/notification, queries/user.
export * from './queries/follow';
export * from './queries/notification';
export * from './queries/reply';
export * from './queries/rows';
export * from './queries/user';
export * from './schema';
