import type { AuthMethod, ScopeVersionColumn } from '@payerbox/db';

/** Where both benchmark targets serve the measured routes. */
export const API_PREFIX = '/api/v1';

/** The fields of a create request that the baseline copies into its insert. */
export interface ServiceInput {
  readonly name: string;
  readonly authMethod: AuthMethod;
  readonly scopeVersion: ScopeVersionColumn;
  readonly scopes: readonly string[];
}
