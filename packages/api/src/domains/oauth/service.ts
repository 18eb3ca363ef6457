import { cleanDisplayName, safeReturnPath } from '@devflow/contract';
import {
  claimUnverifiedAccount,
  deleteOAuthAccounts,
  type Executor,
  emailTaken,
  findOAuthAccount,
  findUserByEmail,
  insertOAuthAccount,
  listOAuthAccounts,
  lockUser,
  PgErrorCode,
  pgErrorCode,
  type Transaction,
  takenUsernames,
  updateOAuthAccountEmail,
  userHasPassword,
} from '@devflow/db';
import { z } from 'zod';
import type { ApiConfig } from '../../config';
import type { ApiDeps } from '../../deps';
import { BadInputError, NotFoundError } from '../../platform/domain-errors';
import type { SessionUser } from '../../trpc/context';
import { insertUser } from '../auth/account';
import { invalidateUserSessions } from '../auth/session';
import {
  createAuthorizationRequest,
  fetchProviderIdentity,
  OAUTH_PROVIDERS,
  OAUTH_START_LIMIT,
  OAuthFlowError,
  type OAuthProvider,
  PROVIDER_LABELS,
  type ProviderIdentity,
  providerConfig,
} from './providers';

/** Seconds a started sign-in may take before its `state` expires (also the state cookie's Max-Age). */
export const OAUTH_FLOW_TTL_SECONDS = 10 * 60;

/** Domain of the placeholder email of accounts whose provider gave no usable address (RFC 2606 `.invalid`). */
export const PLACEHOLDER_EMAIL_DOMAIN = 'users.noreply.devflow.invalid';

/** Whether each provider is configured; the web app shows only the buttons that work. */
export function oauthProviderStatus(config: Pick<ApiConfig, 'oauth'>): Record<OAuthProvider, boolean> {
  return { github: config.oauth.github !== null, google: config.oauth.google !== null };
}

/** The callback URL registered at the provider: `<PUBLIC_URL>/auth/oauth/<provider>/callback`. */
export function oauthRedirectUri(config: Pick<ApiConfig, 'publicUrl'>, provider: OAuthProvider): string {
  return `${config.publicUrl.replace(/\/$/, '')}/auth/oauth/${provider}/callback`;
}

/**
 * Where to send the browser after sign-in: `value` resolved against `publicUrl` when that is a page of
 * this site, otherwise `/` — the rule of `safeReturnPath` (`return-to.ts`), which the web app's
 * `?next=` shares, so the flow can never be used as an open redirect or sent round in a loop.
 */
export function safeReturnTo(value: string | null | undefined, publicUrl: string): string {
  return safeReturnPath(value, publicUrl);
}

/** What the server keeps between the redirect to the provider and the callback, keyed by `state`. */
const flowRecord = z.object({
  provider: z.enum(OAUTH_PROVIDERS),
  codeVerifier: z.string().min(1),
  nonce: z.string().nullable(),
  returnTo: z.string(),
  /** Set when a signed-in user is linking a provider rather than signing in. */
  linkUserId: z.number().int().nullable(),
});

type FlowRecord = z.infer<typeof flowRecord>;

const flowKey = (state: string) => `oauth:flow:${state}`;

/** Inputs of `beginOAuth`. */
export type BeginOAuthInput = {
  provider: OAuthProvider;
  /** Requested return path (validated with `safeReturnTo`). */
  returnTo?: string | null;
  /** The signed-in user linking this provider, or null for a sign-in. */
  linkUserId?: number | null;
  /** The client's IP, for the per-IP limit on started sign-ins. */
  ip?: string;
};

/**
 * Starts a sign-in (or a link): creates `state`, PKCE verifier and nonce, keeps them server-side for
 * `OAUTH_FLOW_TTL_SECONDS` under the state, and returns the provider URL plus the state the browser
 * must carry back in its cookie. The verifier and nonce never leave the server. Each IP may start
 * `startLimit` sign-ins per window (`too_many_attempts` beyond it).
 */
export async function beginOAuth(
  deps: ApiDeps,
  input: BeginOAuthInput,
): Promise<{ url: string; state: string }> {
  if (!providerConfig(deps.config.oauth, input.provider)) {
    throw new NotFoundError(`${PROVIDER_LABELS[input.provider]} sign-in is not enabled.`);
  }
  const limit = deps.config.oauth.startLimit ?? OAUTH_START_LIMIT;
  const started = await deps.cache.incr(`oauth:starts:${input.ip ?? 'unknown'}`, limit.durationSeconds);
  if (started > limit.points) {
    throw new OAuthFlowError('too_many_attempts', 'too many sign-ins started from this IP');
  }
  const request = createAuthorizationRequest(
    deps.config.oauth,
    input.provider,
    oauthRedirectUri(deps.config, input.provider),
  );
  const record: FlowRecord = {
    provider: input.provider,
    codeVerifier: request.codeVerifier,
    nonce: request.nonce,
    returnTo: safeReturnTo(input.returnTo, deps.config.publicUrl),
    linkUserId: input.linkUserId ?? null,
  };
  await deps.cache.set(flowKey(request.state), JSON.stringify(record), OAUTH_FLOW_TTL_SECONDS);
  return { url: request.url.toString(), state: request.state };
}

/** The callback's query parameters and the state cookie, as the HTTP layer read them. */
export type CompleteOAuthInput = {
  provider: OAuthProvider;
  code: string | null;
  state: string | null;
  error: string | null;
  cookieState: string | null;
  /** The user signed in on this browser now (needed to finish a link). */
  currentUserId: number | null;
};

/** How a callback ended. A sign-in still needs a session; a link keeps the current one. */
export type OAuthOutcome =
  | { kind: 'signed_in'; userId: number; created: boolean; returnTo: string }
  | { kind: 'linked'; userId: number; returnTo: string };

/**
 * Finishes the flow at the callback: checks that the query's `state` is the one in this browser's
 * cookie and consumes it (single use), exchanges the code and resolves the provider identity, then
 * signs in (finding, linking or creating the account) or links the identity to the signed-in user.
 * Every refusal is an `OAuthFlowError` with a reason for `/auth/error`.
 */
export async function completeOAuth(deps: ApiDeps, input: CompleteOAuthInput): Promise<OAuthOutcome> {
  const record = await takeFlow(deps, input);
  if (input.error !== null) {
    throw input.error === 'access_denied'
      ? new OAuthFlowError('access_denied', `${PROVIDER_LABELS[input.provider]} consent was declined`)
      : new OAuthFlowError('provider_error', `${PROVIDER_LABELS[input.provider]} answered ${input.error}`);
  }
  if (record === null) throw new OAuthFlowError('invalid_state', 'state missing, forged, expired or reused');
  if (!input.code) throw new OAuthFlowError('provider_error', 'the callback carried no authorization code');
  const identity = await fetchProviderIdentity(deps.config.oauth, {
    provider: input.provider,
    redirectUri: oauthRedirectUri(deps.config, input.provider),
    code: input.code,
    codeVerifier: record.codeVerifier,
    nonce: record.nonce,
  });
  if (record.linkUserId !== null) {
    if (input.currentUserId !== record.linkUserId) {
      throw new OAuthFlowError('sign_in_required', 'the user who started the link is no longer signed in');
    }
    await linkIdentity(deps, record.linkUserId, identity);
    return { kind: 'linked', userId: record.linkUserId, returnTo: record.returnTo };
  }
  const { userId, created } = await signInWithIdentity(deps, identity);
  return { kind: 'signed_in', userId, created, returnTo: record.returnTo };
}

/** Consumes the flow record when the query's state matches the cookie's; null when it does not. */
async function takeFlow(deps: ApiDeps, input: CompleteOAuthInput): Promise<FlowRecord | null> {
  const { state, cookieState } = input;
  if (!state || !cookieState || state !== cookieState || state.length > 200) return null;
  const raw = await deps.cache.take(flowKey(state));
  if (raw === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  const record = flowRecord.safeParse(parsed);
  if (!record.success || record.data.provider !== input.provider) return null;
  return record.data;
}

/** Runs `fn` in a transaction, retrying when a concurrent sign-in took the same name or identity first. */
async function inTransactionRetryingConflicts<T>(
  deps: ApiDeps,
  fn: (tx: Transaction) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.db.transaction(fn);
    } catch (error) {
      if (attempt >= 3 || pgErrorCode(error) !== PgErrorCode.uniqueViolation) throw error;
    }
  }
}

/**
 * Signs in with a provider identity: an identity linked before gives its account; otherwise a
 * provider-verified email that matches an account links to it; otherwise a new account is created
 * (an unverified or missing email never links). Suspended accounts may sign in: they can still read.
 */
export async function signInWithIdentity(
  deps: ApiDeps,
  identity: ProviderIdentity,
): Promise<{ userId: number; created: boolean; linkedByEmail: boolean }> {
  const outcome = await inTransactionRetryingConflicts(deps, async (tx) => {
    const existing = await findOAuthAccount(tx, identity);
    if (existing) {
      if (existing.email !== identity.email) await updateOAuthAccountEmail(tx, identity, identity.email);
      return { userId: existing.userId, created: false, linkedByEmail: false, claimed: false };
    }
    if (identity.email !== null && identity.emailVerified) {
      const owner = await findUserByEmail(tx, identity.email);
      if (owner) {
        // The provider proved this person owns the address; whoever registered it without
        // verifying it must not keep a way in (account pre-hijacking).
        if (!owner.emailVerified) await claimUnverifiedAccount(tx, owner.id);
        await insertOAuthAccount(tx, { ...identityKey(identity), userId: owner.id, email: identity.email });
        return { userId: owner.id, created: false, linkedByEmail: true, claimed: !owner.emailVerified };
      }
    }
    const userId = await createAccountFor(tx, identity);
    await insertOAuthAccount(tx, { ...identityKey(identity), userId, email: identity.email });
    return { userId, created: true, linkedByEmail: false, claimed: false };
  });
  // A claimed account's earlier sessions (and their cached validations) end before the new one starts.
  if (outcome.claimed) await invalidateUserSessions(deps, outcome.userId);
  return { userId: outcome.userId, created: outcome.created, linkedByEmail: outcome.linkedByEmail };
}

function identityKey(identity: ProviderIdentity) {
  return { provider: identity.provider, providerUserId: identity.providerUserId };
}

/** The placeholder email of an account whose provider gave no address we could use. */
export function placeholderEmail(provider: OAuthProvider, providerUserId: string): string {
  const id = providerUserId.toLowerCase().replace(/[^a-z0-9_-]/g, '');
  return `${provider}-${id}@${PLACEHOLDER_EMAIL_DOMAIN}`;
}

/** Usernames are `[a-z0-9_-]`, 3 to 32 characters. */
const USERNAME_MAX = 32;

/**
 * A username derived from the provider's handle (GitHub login, else the name, else the email's local
 * part): accents dropped, lower-cased, other characters turned into `-`, trimmed to 3..32 characters.
 */
export function usernameBase(
  identity: Pick<ProviderIdentity, 'provider' | 'login' | 'name' | 'email'>,
): string {
  const source = identity.login ?? identity.name ?? identity.email?.split('@')[0] ?? '';
  const slug = source
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .slice(0, USERNAME_MAX)
    .replace(/^[-_]+|[-_]+$/g, '');
  if (slug.length >= 3) return slug;
  return slug ? `${identity.provider}-${slug}` : `${identity.provider}-user`;
}

/** `base`, or `base` with the smallest free numeric suffix (`alice2`, `alice3`, …), within 32 characters. */
async function uniqueUsername(tx: Transaction, base: string): Promise<string> {
  const withSuffix = (n: number) => {
    const suffix = n === 1 ? '' : String(n);
    return `${base.slice(0, USERNAME_MAX - suffix.length)}${suffix}`;
  };
  const candidates = Array.from({ length: 50 }, (_, i) => withSuffix(i + 1));
  const taken = await takenUsernames(tx, candidates);
  const free = candidates.find((candidate) => !taken.has(candidate));
  if (free) return free;
  // Fifty namesakes: fall back to a random suffix (a clash makes the transaction retry).
  return withSuffix(100_000 + Math.floor(Math.random() * 900_000));
}

/**
 * The provider's email when nobody has it, else the placeholder; a placeholder left by an account that
 * since unlinked this identity gets a random tag so the new account still has a unique address.
 */
async function freeEmailFor(tx: Transaction, identity: ProviderIdentity): Promise<string> {
  if (identity.email !== null && !(await emailTaken(tx, identity.email))) return identity.email;
  const placeholder = placeholderEmail(identity.provider, identity.providerUserId);
  if (!(await emailTaken(tx, placeholder))) return placeholder;
  return placeholder.replace('@', `-${Math.random().toString(36).slice(2, 8)}@`);
}

/**
 * Creates the account of a first sign-in (the first account of an empty database becomes admin, as
 * with registration); the provider's email is kept when nobody else has it.
 */
async function createAccountFor(tx: Transaction, identity: ProviderIdentity): Promise<number> {
  const email = await freeEmailFor(tx, identity);
  const row = await insertUser(tx, {
    email,
    username: await uniqueUsername(tx, usernameBase(identity)),
    passwordHash: null,
    emailVerified: email === identity.email && identity.emailVerified,
    displayName: cleanDisplayName(identity.name),
    avatarUrl: identity.avatarUrl?.startsWith('https://') ? identity.avatarUrl : null,
  });
  return row.id;
}

/**
 * Links a provider identity to a signed-in user. Refused when the identity belongs to another account
 * or the user already has a different identity of that provider; linking the same one again is a no-op.
 */
export async function linkIdentity(deps: ApiDeps, userId: number, identity: ProviderIdentity): Promise<void> {
  await inTransactionRetryingConflicts(deps, async (tx) => {
    const existing = await findOAuthAccount(tx, identity);
    if (existing) {
      if (existing.userId !== userId) {
        throw new OAuthFlowError('identity_in_use', 'this identity is linked to another account');
      }
      await updateOAuthAccountEmail(tx, identity, identity.email);
      return;
    }
    const linked = await listOAuthAccounts(tx, userId);
    if (linked.some((account) => account.provider === identity.provider)) {
      throw new OAuthFlowError('provider_already_linked', 'another identity of this provider is linked');
    }
    await insertOAuthAccount(tx, { ...identityKey(identity), userId, email: identity.email });
  });
}

/** The sign-in methods of an account: its linked providers and whether it has a password. */
export type LinkedAccounts = {
  accounts: { provider: OAuthProvider; email: string | null; linkedAt: string }[];
  hasPassword: boolean;
};

async function linkedAccountsOf(db: Executor, userId: number, hasPassword: boolean) {
  const rows = await listOAuthAccounts(db, userId);
  return {
    accounts: rows.map((row) => ({
      provider: row.provider,
      email: row.email,
      linkedAt: row.createdAt.toISOString(),
    })),
    hasPassword,
  } satisfies LinkedAccounts;
}

/** The providers linked to `actor`'s account and whether it also has a password. */
export async function listLinkedAccounts(deps: ApiDeps, actor: SessionUser): Promise<LinkedAccounts> {
  const hasPassword = await userHasPassword(deps.db, actor.id);
  if (hasPassword === null) throw new NotFoundError('Your account no longer exists.');
  return linkedAccountsOf(deps.db, actor.id, hasPassword);
}

/**
 * Unlinks `provider` from `actor`'s account, in one transaction that locks the user row. Refused
 * (BAD_REQUEST) when it is the last way to sign in: no password and no other linked provider.
 */
export async function unlinkProvider(
  deps: ApiDeps,
  actor: SessionUser,
  provider: OAuthProvider,
): Promise<LinkedAccounts> {
  const label = PROVIDER_LABELS[provider];
  return deps.db.transaction(async (tx) => {
    const user = await lockUser(tx, actor.id);
    if (!user) throw new NotFoundError('Your account no longer exists.');
    const linked = await listOAuthAccounts(tx, actor.id);
    const mine = linked.filter((account) => account.provider === provider);
    if (mine.length === 0) {
      throw new NotFoundError(`${label} is not linked to your account.`);
    }
    const remaining = linked.length - mine.length + (user.passwordHash !== null ? 1 : 0);
    if (remaining === 0) {
      throw new BadInputError(
        `${label} is your only way to sign in. Set a password or link another provider before unlinking it.`,
      );
    }
    await deleteOAuthAccounts(tx, { userId: actor.id, provider });
    return linkedAccountsOf(tx, actor.id, user.passwordHash !== null);
  });
}
