import type { Command } from 'commander';
import { NativeConnection } from '@temporalio/worker';
import { ConfigError, extractionSettings, loadAccounts, snapshotRetentionDays, temporalConfig } from '../../config';
import { installLogging } from '../../infra/logging';
import { RateGovernor } from '../../ratelimit/governor';
import { RingCentralClients } from '../../ringcentral/client';
import { migrate } from '../../warehouse/migrate';
import { createWorker } from '../../worker';
import { connectDatabase } from '../connect';
import { EXIT, fail } from '../errors';

export function registerWorker(program: Command) {
  program
    .command('worker')
    .description('Run a Temporal worker: migrates the warehouse, then executes syncs and backfills')
    .action(async () => {
      let accounts;
      let settings;
      let retentionDays;
      try {
        accounts = loadAccounts();
        settings = extractionSettings();
        retentionDays = snapshotRetentionDays();
      } catch (err) {
        if (err instanceof ConfigError) fail(err.message);
        throw err;
      }
      if (accounts.size === 0) fail('No RingCentral account configured: set RC_SERVER_URL, RC_CLIENT_ID, RC_CLIENT_SECRET and RC_JWT, or RC_ACCOUNTS_FILE.');
      installLogging('INFO'); // after validation: bad input is reported before anything starts
      const pool = await connectDatabase();
      const applied = await migrate(pool);
      if (applied.length) console.error(`Applied migrations ${applied.join(', ')}.`);
      const config = temporalConfig();
      const connection = await NativeConnection.connect({ address: config.address }).catch(() =>
        fail(`Cannot reach Temporal at ${config.address}: set TEMPORAL_ADDRESS.`, EXIT.usage),
      );
      const governor = new RateGovernor(pool);
      const rc = new RingCentralClients(accounts, { governor });
      const worker = await createWorker({ connection, namespace: config.namespace, taskQueue: config.taskQueue, pool, rc, settings, snapshotRetentionDays: retentionDays });
      console.error(`Worker on task queue "${config.taskQueue}" (${config.address}), accounts: ${[...accounts.keys()].join(', ')}. Ctrl-C stops it.`);
      await worker.run(); // returns after SIGINT/SIGTERM once in-flight activities are done
      await connection.close();
      await pool.end();
    });
}
