import type {
  RouterInputs as ServerInputs,
  RouterOutputs as ServerOutputs,
  AppRouter as ServerRouter,
} from '@devflow/api/router';

/** Every DevFlow procedure, as the server defines it (types only; no server code is bundled). */
export type AppRouter = ServerRouter;

/** Input types of every procedure, e.g. `RouterInputs['question']['create']`. */
export type RouterInputs = ServerInputs;

/** Output types of every procedure, e.g. `RouterOutputs['question']['byId']`. */
export type RouterOutputs = ServerOutputs;
