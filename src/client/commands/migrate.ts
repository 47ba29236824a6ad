import type { Command } from 'commander';
import { grantWorkerPrivileges, UnknownRoleError } from '../../warehouse/grants';
import { migrate, MigrationsPendingError } from '../../warehouse/migrate';
import { connectDatabase } from '../connect';
import { fail } from '../errors';

const ROLE_NAME = /^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/;

export function registerMigrate(program: Command) {
  program
    .command('migrate')
    .description('Apply pending warehouse migrations (the worker also does this at start-up, when its role may)')
    .option('--grant-worker <role>', "then grant a worker's database role exactly the privileges it needs (see README)")
    .option('--json', 'machine-readable output')
    .action(async (opts: { grantWorker?: string; json?: boolean }) => {
      if (opts.grantWorker !== undefined && !ROLE_NAME.test(opts.grantWorker)) fail(`--grant-worker needs a role name (letters, digits, _), got "${opts.grantWorker}".`);
      const pool = await connectDatabase();
      try {
        const applied = await migrate(pool).catch((err) => (err instanceof MigrationsPendingError ? fail(err.message) : Promise.reject(err)));
        if (opts.grantWorker) await grantWorkerPrivileges(pool, opts.grantWorker).catch((err) => (err instanceof UnknownRoleError ? fail(err.message) : Promise.reject(err)));
        if (opts.json) console.log(JSON.stringify({ applied, grantedTo: opts.grantWorker }));
        else {
          console.log(applied.length ? `Applied migrations ${applied.join(', ')}.` : 'Warehouse schema is up to date.');
          if (opts.grantWorker) console.log(`Granted the worker privileges to role ${opts.grantWorker}.`);
        }
      } finally {
        await pool.end();
      }
    });
}
