export * from './manifests.ts';
export * from './rules.ts';
export { validateObject } from './validate.ts';
