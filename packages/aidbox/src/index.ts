export * from './client.ts';
export * from './environment-urls.ts';
export * from './errors.ts';
export * from './mapping.ts';
export * from './matches.ts';
export * from './resources.ts';
export * from './smart-configuration.ts';
