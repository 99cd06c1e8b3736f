export * from './lifecycle.ts';
export * from './scopes.ts';
