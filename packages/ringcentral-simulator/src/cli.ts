// Command-line use: `ringcentral-simulator --port 9000 --seed 1 --extensions 500 --days 30`
// (also `rcsync simulator ...`). Prints the settings a client needs as RC_* lines and serves
// until SIGINT/SIGTERM.

import { CommanderError } from 'commander';
import { parseSimulatorArgs, type CliOptions } from './cli-options';
import { startSimulator } from './start';

export { parseSimulatorArgs, simulatorCommand, type CliOptions } from './cli-options';

export interface CliIo {
  log: (line: string) => void;
  /** Resolve to stop serving; default waits for SIGINT/SIGTERM. */
  until?: Promise<unknown>;
}

export async function serveSimulatorFromCli(opts: CliOptions, io: CliIo = { log: (l) => console.log(l) }): Promise<void> {
  const clean = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as CliOptions;
  const sim = await startSimulator(clean);
  const { clientId, clientSecret, jwt } = sim.credentials;
  const o = sim.options;
  io.log(`RingCentral simulator: ${o.extensions} extensions, ${o.days} days of history, seed ${o.seed}, simulated now ${new Date(sim.clock.now()).toISOString()}`);
  io.log(`RC_SERVER_URL=${sim.url}`);
  // Values taken from the environment may be real credentials: never echo those.
  const show = (name: string, value: string) => io.log(process.env[name] === value ? `# ${name}: as already set in your environment` : `${name}=${value}`);
  show('RC_CLIENT_ID', clientId);
  show('RC_CLIENT_SECRET', clientSecret);
  show('RC_JWT', jwt);
  if (clean.rateLimits || clean.rateWindowScale) {
    // Say what is enforced, so a run with custom limits is not mistaken for RingCentral's defaults.
    const win = (ms: number): string => (ms % 1000 ? `${ms}ms` : `${ms / 1000}s`);
    io.log(`# rate limits: ${Object.entries(sim.rateLimits.limits).map(([g, l]) => `${g} ${l.limit}/${win(l.windowMs)}`).join(', ')}`);
  }
  if (clean.control) io.log(`# control surface: ${sim.url}/_sim/ (loopback clients only)`);
  const stop =
    io.until ??
    new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
  await stop;
  await sim.close();
  io.log('RingCentral simulator stopped');
}

/**
 * Parse, then serve. Returns the exit code: 0 after a clean stop or --help, 2 on bad input
 * (one line naming the flag and the fix, before anything starts).
 */
export async function runSimulatorCli(argv: readonly string[] = process.argv.slice(2), name?: string, io?: CliIo): Promise<number> {
  let opts: CliOptions;
  try {
    opts = parseSimulatorArgs(argv, process.env, name);
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    if (err.exitCode === 0) return 0; // --help
    console.error(`${name ?? 'ringcentral-simulator'}: ${err.message.replace(/^error: /, '')} (run with --help for the options)`);
    return 2;
  }
  await serveSimulatorFromCli(opts, io);
  return 0;
}

if (require.main === module) {
  runSimulatorCli().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
