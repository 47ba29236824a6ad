import type { Command } from 'commander';
import { migrate } from '../../warehouse/migrate';
import { connectDatabase } from '../connect';

export function registerMigrate(program: Command) {
  program
    .command('migrate')
    .description('Apply pending warehouse migrations (the worker also does this at start-up)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const pool = await connectDatabase();
      try {
        const applied = await migrate(pool);
        if (opts.json) console.log(JSON.stringify({ applied }));
        else console.log(applied.length ? `Applied migrations ${applied.join(', ')}.` : 'Warehouse schema is up to date.');
      } finally {
        await pool.end();
      }
    });
}
