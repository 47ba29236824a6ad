import type { Command } from 'commander';
import { loadDevOnly } from '../dev-only';
import { fail } from '../errors';

const NAME = 'rcsync simulator';

/** The simulator package parses its own options (one definition, shared with its `ringcentral-simulator` bin): rcsync hands the arguments over. */
export function registerSimulator(program: Command) {
  program
    .command('simulator')
    .description('Serve the RingCentral simulator (a seeded account that lives) and print the RC_* settings to use')
    .argument('[options...]', "the simulator's options: rcsync simulator --help")
    .helpOption(false)
    .allowUnknownOption()
    .action(async (args: string[]) => {
      const sim = await loadDevOnly('simulator', () => import('ringcentral-simulator'));
      let opts;
      try {
        opts = sim.parseSimulatorArgs(args, process.env, NAME);
      } catch (err) {
        // The package's commander copy may differ from ours: recognise its errors by their code.
        const e = err as { code?: unknown; exitCode?: number; message?: string };
        if (typeof e.code !== 'string' || !e.code.startsWith('commander.')) throw err;
        if (e.exitCode === 0) return; // --help was printed
        fail(`simulator: ${String(e.message).replace(/^error: /, '')} (run rcsync simulator --help for the options)`);
      }
      await sim.serveSimulatorFromCli(opts).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'EADDRINUSE') fail(`simulator: port ${opts.port} is in use: choose another with --port (0 picks a free one).`);
        if (err.code === 'EACCES') fail(`simulator: port ${opts.port} needs privileges: choose one above 1023 with --port.`);
        throw err;
      });
    });
}
