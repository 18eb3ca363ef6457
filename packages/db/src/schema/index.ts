export * from './enums';
export * from './follows';
export * from './notifications';
export * from './questions';
export * from './reactions';
export * from './replies';
export * from './users';
export * from './watching';
