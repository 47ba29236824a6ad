import type { Command } from 'commander';
import { parseSimulatorArgs, serveSimulatorFromCli } from '../../simulator';
import { fail } from '../errors';

/** Ranges the simulator cannot serve sensibly; checked before it starts. */
const WHOLE_NUMBER_FLAGS = [
  ['port', '--port', 0, 65_535],
  ['extensions', '--extensions', 1, 100_000],
  ['days', '--days', 1, 365],
] as const;

function checkRanges(parsed: Record<string, unknown>) {
  for (const [key, flag, min, max] of WHOLE_NUMBER_FLAGS) {
    const v = parsed[key];
    if (v !== undefined && (!Number.isInteger(v) || (v as number) < min || (v as number) > max)) {
      fail(`simulator: ${flag} must be a whole number from ${min} to ${max}, got "${String(v)}".`);
    }
  }
}

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
      checkRanges(parsed as unknown as Record<string, unknown>);
      // Simulated history ends "now", so CLI date checks and real clocks agree with it.
      await serveSimulatorFromCli({ ...parsed, now: new Date() }).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'EADDRINUSE') fail(`simulator: port ${parsed.port} is in use: choose another with --port (0 picks a free one).`);
        if (err.code === 'EACCES') fail(`simulator: port ${parsed.port} needs privileges: choose one above 1023 with --port.`);
        throw err;
      });
    });
}
