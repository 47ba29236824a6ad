import type { Command } from 'commander';
import { NativeConnection } from '@temporalio/worker';
import { encryptionKeys } from '../../codec';
import { ConfigError, extractionSettings, loadAccounts, temporalConfig } from '../../config';
import { installLogging } from '../../infra/logging';
import { ensureSearchAttributes, searchAttributeSetupCommands } from '../../infra/search-attributes';
import { RateGovernor } from '../../ratelimit/governor';
import { RingCentralClients } from '../../ringcentral/client';
import { migrate, MigrationsPendingError } from '../../warehouse/migrate';
import { createWorker } from '../../worker';
import { checkNamespace, connectDatabase, temporalUnreachable } from '../connect';
import { EXIT, fail } from '../errors';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * The SDK's runtime drains a running worker on the first SIGINT/SIGTERM. Before the worker
 * runs there is nothing to drain, and the runtime would swallow that signal: leave at once.
 * A second signal while draining means "now".
 */
function watchSignals(isRunning: () => boolean): () => void {
  let received = 0;
  const onSignal = (signal: string) => {
    received++;
    if (!isRunning()) {
      console.error(`rcsync: ${signal} before the worker started: stopped.`);
      process.exit(EXIT.ok);
    }
    if (received > 1) {
      console.error(`rcsync: second ${signal} while draining: exiting without waiting for in-flight activities.`);
      process.exit(EXIT.failed);
    }
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  return () => SIGNALS.forEach((s) => process.off(s, onSignal));
}

export function registerWorker(program: Command) {
  program
    .command('worker')
    .description('Run a Temporal worker: checks Temporal and Postgres, migrates the warehouse, then executes syncs and backfills')
    .action(async () => {
      let running = false;
      const unwatch = watchSignals(() => running);
      let accounts;
      let settings;
      try {
        accounts = loadAccounts();
        settings = extractionSettings();
        encryptionKeys(); // checked before anything starts; the worker's converter reads them
      } catch (err) {
        if (err instanceof ConfigError) fail(err.message);
        throw err;
      }
      if (accounts.size === 0) fail('No RingCentral account configured: set RC_SERVER_URL, RC_CLIENT_ID, RC_CLIENT_SECRET and RC_JWT, or RC_ACCOUNTS_FILE.');
      installLogging('INFO'); // after the checks: bad input is one line, before anything starts
      const config = temporalConfig();
      // Every dependency is checked before anything changes: no migration without a Temporal to serve.
      const pool = await connectDatabase();
      const connection = await NativeConnection.connect({ address: config.address }).catch(async () => {
        await pool.end();
        return fail(temporalUnreachable(config.address), EXIT.usage);
      });
      try {
        await checkNamespace(connection.workflowService, config);
        const applied = await migrate(pool).catch((err) => (err instanceof MigrationsPendingError ? fail(err.message) : Promise.reject(err)));
        if (applied.length) console.error(`Applied migrations ${applied.join(', ')}.`);
        const stillMissing = await ensureSearchAttributes(connection, config.namespace).catch(() => ['(could not list them)']);
        if (stillMissing.length) {
          // Not fatal: runs start without them and the UI cannot filter by account or outcome.
          console.error(`Search attributes missing in namespace "${config.namespace}" (${stillMissing.join(', ')}); an admin can add them with: ${searchAttributeSetupCommands(config.namespace).join(' && ')}`);
        }
        const governor = new RateGovernor(pool);
        const rc = new RingCentralClients(accounts, { governor });
        const worker = await createWorker({ connection, namespace: config.namespace, taskQueue: config.taskQueue, pool, rc, settings });
        console.error(`Worker on task queue "${config.taskQueue}" (${config.address}), accounts: ${[...accounts.keys()].join(', ')}. Ctrl-C stops it.`);
        running = true;
        await worker.run(); // returns after SIGINT/SIGTERM once in-flight activities are done
      } finally {
        unwatch();
        await connection.close().catch(() => undefined);
        await pool.end().catch(() => undefined);
      }
    });
}
