// The client secret commands (issue 21, "Credentials per environment"): rotate the sandbox secret, retrieve the
// production secret once, and rotate it, at once (an emergency) or through a cutover that a client following the
// documented procedure lives through without a failed request (README, "Credentials per environment"; the reasons
// are in packages/domain production-secret.ts).
import { switchedCutoverColumns } from '@payerbox/db';
import { secretCutoverState } from '@payerbox/domain';
import { ProblemError } from '../../errors.ts';
import type { AuthenticatedUser } from '../users/repository.ts';
import {
  generateClientSecret,
  openSecret,
  sealedNextProductionSecretColumns,
  sealedProductionSecretColumns,
  sealedSecretColumns,
} from './client-secret.ts';
import type { ServiceContext } from './context.ts';
import type { LockedService } from './repository-writes.ts';
import type { BackendService, RotateSecretBody } from './schemas.ts';
import { runTransition } from './transitions.ts';

/** What a command that issues a secret answers: the secret, shown this once, and where it authenticates. */
export interface IssuedSecret {
  readonly clientSecret: string;
  readonly environment: RotateSecretBody['environment'];
}

function requireSecretClient(locked: LockedService): void {
  if (locked.authMethod !== 'client_secret') {
    throw new ProblemError({
      status: 409,
      code: 'not_a_secret_client',
      title: 'This service has no client secret',
      detail: 'The service authenticates with its JWKS URI (private_key_jwt); rotate its keys at that URL instead.',
    });
  }
}

function requireProductionSecret(locked: LockedService): void {
  requireSecretClient(locked);
  if (!locked.productionSecretCiphertext) {
    throw new ProblemError({
      status: 409,
      code: 'no_production_secret',
      title: 'This service has no production secret',
      detail: 'A client_secret service gets its production secret when an admin approves it.',
    });
  }
}

/** The state of the latest production secret rotation under the lock, or none. */
function cutoverOf(locked: LockedService) {
  if (locked.secretCutoverStartedAt === null) return 'none';
  return secretCutoverState({ switchedAt: locked.secretCutoverSwitchedAt, appliedAt: locked.secretCutoverAppliedAt });
}

/**
 * retrieve_production_secret: answers the production secret issued at approval, once. The retrieval is recorded
 * under the row lock, so two concurrent requests cannot both see it; later ones answer 410.
 */
export async function retrieveProductionSecret(
  ctx: ServiceContext,
  user: AuthenticatedUser,
  id: string,
): Promise<IssuedSecret> {
  let clientSecret: string | undefined;
  await runTransition(ctx, {
    id,
    action: 'retrieve_production_secret',
    actor: 'owner',
    user,
    precondition: (locked) => {
      requireProductionSecret(locked);
      if (locked.productionSecretRetrievedAt !== null) {
        throw new ProblemError({
          status: 410,
          code: 'production_secret_already_retrieved',
          title: 'The production secret was already shown',
          detail:
            'A secret is shown only once. If it is lost, rotate the production secret to issue a new one ' +
            '(POST …/rotate-secret with environment production).',
        });
      }
    },
    changes: (locked) => {
      clientSecret = openSecret(
        ctx.keyring,
        locked.id,
        'production',
        { ciphertext: locked.productionSecretCiphertext, keyId: locked.productionSecretKeyId },
        locked.productionSecretShared,
      );
      return { productionSecretRetrievedAt: new Date() };
    },
  });
  if (!clientSecret) throw new Error('the production secret did not open');
  return { clientSecret, environment: 'production' };
}

/**
 * rotate_secret (sandbox), rotate_production_secret (production, immediate) or start_secret_cutover (production): a
 * new secret, returned once.
 *
 * - sandbox: replaces the sandbox secret at once; production is untouched.
 * - production, immediate: replaces the production secret at once (an emergency: a client still using the old one
 *   fails until it switches); any pending cutover ends with it.
 * - production: starts a cutover. The new secret waits beside the old one, which production keeps taking until the
 *   owner confirms the switch ({@link confirmSecretCutover}) or the deadline passes (the provisioner's pass). A
 *   pending cutover is replaced (the old secret is still the one in production, so nothing breaks); one that is
 *   being applied must finish first.
 */
export async function rotateSecret(
  ctx: ServiceContext,
  user: AuthenticatedUser,
  id: string,
  input: RotateSecretBody,
): Promise<IssuedSecret> {
  const clientSecret = generateClientSecret();
  const { environment } = input;
  if (environment === 'sandbox') {
    await runTransition(ctx, {
      id,
      action: 'rotate_secret',
      actor: 'owner',
      user,
      precondition: requireSecretClient,
      changes: (locked) => sealedSecretColumns(ctx.keyring, locked.id, clientSecret),
      detail: { environment },
    });
    return { clientSecret, environment };
  }
  const now = new Date();
  if (input.immediate) {
    await runTransition(ctx, {
      id,
      action: 'rotate_production_secret',
      actor: 'owner',
      user,
      precondition: requireProductionSecret,
      changes: (locked) => ({
        ...sealedProductionSecretColumns(ctx.keyring, locked.id, clientSecret, true),
        nextProductionSecretCiphertext: null,
        nextProductionSecretKeyId: null,
        secretCutoverStartedAt: now,
        secretCutoverDeadline: null,
        secretCutoverSwitchedAt: now,
        secretCutoverSwitchedBy: 'emergency',
        secretCutoverAppliedAt: null,
      }),
      detail: { environment, immediate: true },
    });
    return { clientSecret, environment };
  }
  const deadline = new Date(now.getTime() + ctx.secretCutoverDeadlineSeconds * 1000);
  let replaced = false;
  await runTransition(ctx, {
    id,
    action: 'start_secret_cutover',
    actor: 'owner',
    user,
    precondition: (locked) => {
      requireProductionSecret(locked);
      if (cutoverOf(locked) === 'applying') {
        throw new ProblemError({
          status: 409,
          code: 'secret_cutover_applying',
          title: 'The last production secret switch is still being applied',
          detail: 'Rotate again once productionSecret.cutover.state is applied.',
          extensions: { cutoverState: 'applying' },
        });
      }
    },
    changes: (locked) => {
      replaced = cutoverOf(locked) === 'pending';
      return {
        // The production secret stays as it is (and retrievable if it never was): production takes it until the switch.
        ...sealedNextProductionSecretColumns(ctx.keyring, locked.id, clientSecret),
        secretCutoverStartedAt: now,
        secretCutoverDeadline: deadline,
        secretCutoverSwitchedAt: null,
        secretCutoverSwitchedBy: null,
        secretCutoverAppliedAt: null,
      };
    },
    detail: () => ({ environment, deadline: deadline.toISOString(), ...(replaced && { replacedPending: true }) }),
  });
  return { clientSecret, environment };
}

/**
 * confirm_secret_cutover: the owner switches production to the pending secret now; the provisioner writes it into
 * production's Client and records the cutover applied (productionSecret.cutover.state).
 */
export async function confirmSecretCutover(
  ctx: ServiceContext,
  user: AuthenticatedUser,
  id: string,
): Promise<BackendService> {
  const view = await runTransition(ctx, {
    id,
    action: 'confirm_secret_cutover',
    actor: 'owner',
    user,
    precondition: (locked) => {
      requireSecretClient(locked);
      const state = cutoverOf(locked);
      if (state !== 'pending') {
        throw new ProblemError({
          status: 409,
          code: 'no_secret_cutover_pending',
          title: 'No production secret rotation is waiting for its switch',
          detail:
            state === 'none'
              ? 'Start one first: POST …/rotate-secret with environment production.'
              : `The latest rotation is already ${state}.`,
          extensions: { cutoverState: state },
        });
      }
    },
    changes: (locked) => switchedCutoverColumns(locked, 'owner', new Date()),
    detail: { switchedBy: 'owner' },
  });
  if (!view) throw new Error('a switch never deletes');
  return view;
}
