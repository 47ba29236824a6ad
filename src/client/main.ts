#!/usr/bin/env node
/**
 * rcsync: the command line for RingCentral -> warehouse syncs.
 * Every command validates its input first; bad input prints one line and exits 2.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config';
import { registerCheck } from './commands/check';
import { registerCodecServer } from './commands/codec-server';
import { registerDemo } from './commands/demo';
import { registerMigrate } from './commands/migrate';
import { registerPush } from './commands/push';
import { registerRuns } from './commands/runs';
import { registerSchedule } from './commands/schedule';
import { registerSimulator } from './commands/simulator';
import { registerWorker } from './commands/worker';
import { describeFailure, EXIT, UsageError } from './errors';

export function buildProgram(): Command {
  const program = new Command('rcsync')
    .description('Sync RingCentral call logs, messages, extensions and directory into Postgres, orchestrated by Temporal.')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of [registerWorker, registerRuns, registerPush, registerSchedule, registerMigrate, registerCheck, registerSimulator, registerDemo, registerCodecServer]) register(program);
  return program;
}

export async function run(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`rcsync: ${err.message}`);
      return err.exitCode;
    }
    // Configuration is checked before anything starts: a bad value is bad input.
    if (err instanceof ConfigError) {
      console.error(`rcsync: ${err.message}`);
      return EXIT.usage;
    }
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    // One line: native (Rust) and gRPC errors carry multi-line details that belong in logs, not here.
    console.error(`rcsync: ${describeFailure(err).split('\n')[0]}`);
    return EXIT.failed;
  }
}

if (require.main === module) {
  run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    // The command is done: a leftover handle (a native connection, a pool) must not keep the process up.
    setTimeout(() => process.exit(code), 3_000).unref();
  });
}
