import type { Command } from 'commander';
import { NativeConnection } from '@temporalio/worker';
import { encryptionKeys } from '../../codec';
import { extractionSettings, loadAccounts, snapshotRetentionDays, temporalConfig } from '../../config';
import { configureLogging, installTemporalRuntime } from '../../infra/logging';
import { ensureSearchAttributes, searchAttributeSetupCommands } from '../../infra/search-attributes';
import { registry } from '../../metrics/product';
import { checkBindable, serveMetrics, type MetricsServer } from '../../metrics/server';
import { metricsSettings } from '../../metrics/settings';
import { registerWarehouseGauges } from '../../metrics/warehouse-gauges';
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
      // Configuration first: a bad value is one line and exit 2 (ConfigError), before anything starts.
      const log = configureLogging('INFO');
      const accounts = loadAccounts();
      const settings = extractionSettings();
      const metrics = metricsSettings();
      encryptionKeys(); // the worker's converter reads them
      const retentionDays = snapshotRetentionDays();
      if (accounts.size === 0) fail('No RingCentral account configured: set RC_SERVER_URL, RC_CLIENT_ID, RC_CLIENT_SECRET and RC_JWT, or RC_ACCOUNTS_FILE.');
      const busy = (variable: string) => (err: Error) => fail(`${err.message}: set ${variable} to a free host:port, or "off".`);
      // Both addresses are checked before anything starts, and taken only once the warehouse is
      // ready: a listener (or the runtime's log forwarding) would keep a failed start alive.
      if (metrics.temporal) await checkBindable(metrics.temporal).catch(busy('RCSYNC_TEMPORAL_METRICS_ADDRESS'));
      if (metrics.product) await checkBindable(metrics.product).catch(busy('RCSYNC_METRICS_ADDRESS'));
      const config = temporalConfig();
      // Every dependency is checked before anything changes: no migration without a Temporal to serve.
      const pool = await connectDatabase();
      installTemporalRuntime({ temporalMetrics: metrics.temporal, forwardNativeLogs: true });
      const connection = await NativeConnection.connect({ address: config.address }).catch(async () => {
        await pool.end();
        return fail(temporalUnreachable(config.address), EXIT.usage);
      });
      let metricsServer: MetricsServer | undefined;
      try {
        await checkNamespace(connection.workflowService, config);
        const applied = await migrate(pool).catch((err) => (err instanceof MigrationsPendingError ? fail(err.message) : Promise.reject(err)));
        if (applied.length) log.info({ migrations: applied }, 'applied warehouse migrations');
        const stillMissing = await ensureSearchAttributes(connection, config.namespace).catch(() => ['(could not list them)']);
        if (stillMissing.length) {
          // Not fatal: runs start without them and the UI cannot filter by account or outcome.
          log.warn(
            { missing: stillMissing, fix: searchAttributeSetupCommands(config.namespace) },
            `search attributes missing in namespace "${config.namespace}": runs start without them; an admin can add them`,
          );
        }
        registerWarehouseGauges(registry, pool, [...accounts.keys()]);
        if (metrics.product) metricsServer = await serveMetrics(metrics.product).catch(busy('RCSYNC_METRICS_ADDRESS'));
        const governor = new RateGovernor(pool);
        const rc = new RingCentralClients(accounts, { governor });
        const worker = await createWorker({ connection, namespace: config.namespace, taskQueue: config.taskQueue, pool, rc, settings, snapshotRetentionDays: retentionDays });
        log.info(
          { taskQueue: config.taskQueue, temporal: config.address, accounts: [...accounts.keys()], metrics: metricsServer?.url ?? 'off' },
          'worker started; Ctrl-C stops it',
        );
        running = true;
        await worker.run(); // returns after SIGINT/SIGTERM once in-flight activities are done
      } finally {
        unwatch();
        await metricsServer?.close();
        await connection.close().catch(() => undefined);
        await pool.end().catch(() => undefined);
      }
    });
}
