export * from './client';
export * from './errors';
export * from './queries/feed';
export * from './queries/follow';
// Question group (questions, their answers as a question shows them, tags, search):
export * from './queries/question';
export * from './queries/question-search';
export * from './queries/reply';
export * from './queries/rows';
export * from './queries/tag';
export * from './schema';
