export * from './client';
export * from './errors';
export * from './queries/feed';
export * from './queries/follow';
export * from './queries/reply';
export * from './queries/rows';
export * from './schema';

// Posts group (answers, reactions, reputation, revisions, posts of any type; reply writes in reply.ts).

export * from './queries/answer';
export * from './queries/post';
export * from './queries/reaction';
export * from './queries/reputation';
export * from './queries/revision';
