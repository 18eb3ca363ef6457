export * from './backup';
export * from './errors';
export * from './inventory';
export * from './move';
export * from './raw';
export * from './restore';
export * from './sql-script';
