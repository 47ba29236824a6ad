import type { Command } from 'commander';
import { parseSimulatorArgs, serveSimulatorFromCli } from '../../simulator';
import { fail } from '../errors';

export function registerSimulator(program: Command) {
  program
    .command('simulator')
    .description('Serve the RingCentral simulator (a seeded account that lives) and print the RC_* settings to use')
    .option('--port <n>', 'port on 127.0.0.1', '9000')
    .option('--seed <n>', 'seed: the same seed serves byte-identical data', '1')
    .option('--extensions <n>', 'extensions in the account', '500')
    .option('--days <n>', 'days of call and message history', '30')
    .option('--client-id <id>', 'client id to accept (default RC_CLIENT_ID or a demo value)')
    .option('--client-secret <secret>', 'client secret to accept (default RC_CLIENT_SECRET or a demo value)')
    .option('--jwt <jwt>', 'JWT to accept (default RC_JWT or a demo value)')
    .option('--clock-speed <x>', 'simulated seconds per real second (0 freezes time)', '1')
    .action(async (opts: Record<string, string | undefined>) => {
      const argv = Object.entries(opts).flatMap(([k, v]) => (v === undefined ? [] : [`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, v]));
      let parsed;
      try {
        parsed = parseSimulatorArgs(argv);
      } catch (err) {
        fail(`simulator: ${(err as Error).message}`);
      }
      // Simulated history ends "now", so CLI date checks and real clocks agree with it.
      await serveSimulatorFromCli({ ...parsed, now: new Date() });
    });
}
