// The development identity provider as a process, configured from DEV_IDP_* environment variables (see
// env-config.ts). Prints one line with its issuer once it listens; stops on SIGTERM or SIGINT after answering what
// is in flight. For the dev launcher and local runs only.
import { DevIdpConfigError, loadDevIdpConfig } from '../env-config.ts';
import { startDevIdentityProvider } from '../start-provider.ts';

async function main(): Promise<void> {
  const options = await loadDevIdpConfig(process.env);
  const provider = await startDevIdentityProvider(options);
  console.log(`dev identity provider listening at ${provider.issuer}`);
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.error(`dev identity provider: ${signal}, stopping`);
    await provider.close();
    process.exit(0);
  };
  process.once('SIGTERM', (signal) => void stop(signal));
  process.once('SIGINT', (signal) => void stop(signal));
}

main().catch((error: unknown) => {
  console.error(error instanceof DevIdpConfigError ? error.message : error);
  process.exit(1);
});
