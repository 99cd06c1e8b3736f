export type { DevAccount, DevIdentityProvider, DevIdentityProviderOptions } from './options.ts';
export { startDevIdentityProvider } from './start-provider.ts';
