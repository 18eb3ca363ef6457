import {
  newPasswordSchema,
  registerInput as registerShape,
  resetPasswordInput as resetPasswordShape,
} from '@devflow/contract';
import { isCommonPassword } from './passwords';

/**
 * A new password as the API takes it: the contract's length rule, and not one of the 1,000 most common
 * passwords (a dictionary that stays on the server).
 */
export const strongPasswordSchema = newPasswordSchema.refine(
  (password) => !isCommonPassword(password),
  'is one of the most common passwords; choose another',
);

/** `auth.register` input, with the common-password check. */
export const registerInput = registerShape.extend({ password: strongPasswordSchema });

/** `auth.resetPassword` input, with the common-password check. */
export const resetPasswordInput = resetPasswordShape.extend({ newPassword: strongPasswordSchema });
