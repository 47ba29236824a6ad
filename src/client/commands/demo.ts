import type { Command } from 'commander';
import { loadDevOnly } from '../dev-only';
import { connectDatabase, connectTemporal } from '../connect';
import { fail } from '../errors';

const int = (flag: string, v: string, min: number, max: number) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) fail(`${flag} must be a whole number from ${min} to ${max}, got "${v}".`);
  return n;
};

export function registerDemo(program: Command) {
  program
    .command('demo')
    .description('Run everything on embedded defaults: Temporal dev server + UI, private Postgres, the simulator, a worker; backfill, syncs, summary')
    .option('--extensions <n>', 'extensions in the simulated account', '40')
    .option('--days <n>', 'days of simulated history to backfill', '3')
    .option('--syncs <n>', 'syncs to run after the backfill, while the account changes', '3')
    .option('--seed <n>', 'simulator seed', '1')
    .option('--rate-window <seconds>', 'simulator rate-limit window (RingCentral: 60)', '6')
    .option('--exit', 'stop after the summary instead of waiting for Ctrl-C')
    .option('--json', 'print the summary as JSON (progress goes to stderr)')
    .action(async (opts: { extensions: string; days: string; syncs: string; seed: string; rateWindow: string; exit?: boolean; json?: boolean }) => {
      const settings = {
        extensions: int('--extensions', opts.extensions, 2, 10_000),
        days: int('--days', opts.days, 1, 365),
        syncs: int('--syncs', opts.syncs, 1, 50),
        seed: int('--seed', opts.seed, 0, 2 ** 31),
        rateWindowMs: int('--rate-window', opts.rateWindow, 1, 3600) * 1000,
        log: (line: string) => (opts.json ? process.stderr : process.stdout).write(`${line}\n`),
      };
      await checkGivenServices();
      const { runDemo } = await loadDevOnly('demo', () => import('../../demo/run-demo'));
      const demo = await runDemo(settings);
      if (opts.json) console.log(JSON.stringify(demo.summary));
      if (!opts.exit) {
        console.error('\nEverything keeps running for you to explore. Ctrl-C stops it all.');
        await stopSignal();
      }
      await demo.stop();
    });
}

/** A Postgres or Temporal the user pointed the demo at must answer before the demo starts anything of its own. */
async function checkGivenServices() {
  if (process.env.DATABASE_URL) await (await connectDatabase()).end();
  if (process.env.TEMPORAL_ADDRESS) {
    // The demo's worker and runs use the default namespace.
    const { connection } = await connectTemporal({ address: process.env.TEMPORAL_ADDRESS, namespace: 'default', taskQueue: 'rcsync-demo' });
    await connection.close();
  }
}

/**
 * Resolves on the first SIGINT/SIGTERM and keeps listening while everything stops: Ctrl-C in a
 * terminal reaches the whole process group, and a wrapper such as tsx relays it once more, so a
 * second signal right after the first is the same Ctrl-C (ignored). One a second or more later
 * is the user insisting: exit at once.
 */
function stopSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    let first: number | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      if (first === undefined) {
        first = Date.now();
        resolve();
      } else if (Date.now() - first >= 1_000) {
        console.error(`rcsync: second ${signal} while stopping: exiting without waiting.`);
        process.exit(130);
      }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
