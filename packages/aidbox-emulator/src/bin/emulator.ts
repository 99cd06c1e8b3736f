// The emulator as a process, configured from EMULATOR_* environment variables (see env-config.ts). Prints one line
// with its URL once it listens; stops on SIGTERM or SIGINT after answering what is in flight.
import { EmulatorConfigError, loadEmulatorConfig } from '../env-config.ts';
import { startAidboxEmulator } from '../start-emulator.ts';

async function main(): Promise<void> {
  const options = loadEmulatorConfig(process.env);
  const emulator = await startAidboxEmulator(options);
  const label = options.name ? ` (${options.name})` : '';
  console.log(`aidbox emulator${label} listening at ${emulator.url}`);
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.error(`aidbox emulator${label}: ${signal}, stopping`);
    await emulator.close();
    process.exit(0);
  };
  process.once('SIGTERM', (signal) => void stop(signal));
  process.once('SIGINT', (signal) => void stop(signal));
}

main().catch((error: unknown) => {
  console.error(error instanceof EmulatorConfigError ? error.message : error);
  process.exit(1);
});
