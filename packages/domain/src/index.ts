export * from './bulk-export.ts';
export * from './configuration-changes.ts';
export * from './fhir-resource-descriptions.ts';
export * from './fhir-resource-types.ts';
export * from './jwks.ts';
export * from './lifecycle.ts';
export * from './organizations.ts';
export * from './scopes.ts';
