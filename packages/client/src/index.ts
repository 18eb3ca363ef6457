export { type LoginCredentials, type LoginResult, login } from './auth';
export {
  createDevflowClient,
  type DevflowClient,
  type DevflowClientOptions,
  MAX_BATCH_ITEMS,
  type TokenSource,
} from './client';
export {
  DevflowError,
  type DevflowErrorCode,
  type DevflowErrorInit,
  type DevflowIssue,
  isDevflowError,
  toDevflowError,
} from './errors';
export {
  createFileTokenStore,
  createMemoryTokenStore,
  defaultCredentialsPath,
  type FileTokenStore,
  type StoredCredentials,
  type TokenStore,
} from './token-store';
export type { AppRouter, RouterInputs, RouterOutputs } from './types';
