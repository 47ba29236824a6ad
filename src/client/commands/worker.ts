import type { Command } from 'commander';
import { NativeConnection } from '@temporalio/worker';
import { ConfigError, extractionSettings, loadAccounts, temporalConfig } from '../../config';
import { configureLogging, installTemporalRuntime } from '../../infra/logging';
import { registry } from '../../metrics/product';
import { checkBindable, serveMetrics, type MetricsServer } from '../../metrics/server';
import { metricsSettings } from '../../metrics/settings';
import { registerWarehouseGauges } from '../../metrics/warehouse-gauges';
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
      let metrics;
      let log;
      try {
        log = configureLogging('INFO');
        accounts = loadAccounts();
        settings = extractionSettings();
        metrics = metricsSettings();
      } catch (err) {
        if (err instanceof ConfigError) fail(err.message);
        throw err;
      }
      if (accounts.size === 0) fail('No RingCentral account configured: set RC_SERVER_URL, RC_CLIENT_ID, RC_CLIENT_SECRET and RC_JWT, or RC_ACCOUNTS_FILE.');
      const busy = (variable: string) => (err: Error) => fail(`${err.message}: set ${variable} to a free host:port, or "off".`);
      // Both addresses are checked before anything starts, and taken only once the warehouse is
      // ready: a listener (or the runtime's log forwarding) would keep a failed start alive.
      if (metrics.temporal) await checkBindable(metrics.temporal).catch(busy('RCSYNC_TEMPORAL_METRICS_ADDRESS'));
      if (metrics.product) await checkBindable(metrics.product).catch(busy('RCSYNC_METRICS_ADDRESS'));
      const pool = await connectDatabase();
      const applied = await migrate(pool);
      if (applied.length) log.info({ migrations: applied }, 'applied warehouse migrations');
      registerWarehouseGauges(registry, pool, [...accounts.keys()]);
      const config = temporalConfig();
      installTemporalRuntime({ temporalMetrics: metrics.temporal, forwardNativeLogs: true });
      const connection = await NativeConnection.connect({ address: config.address }).catch(() =>
        fail(`Cannot reach Temporal at ${config.address}: set TEMPORAL_ADDRESS.`, EXIT.usage),
      );
      let metricsServer: MetricsServer | undefined;
      try {
        if (metrics.product) metricsServer = await serveMetrics(metrics.product).catch(busy('RCSYNC_METRICS_ADDRESS'));
        const governor = new RateGovernor(pool);
        const rc = new RingCentralClients(accounts, { governor });
        const worker = await createWorker({ connection, namespace: config.namespace, taskQueue: config.taskQueue, pool, rc, settings });
        log.info(
          { taskQueue: config.taskQueue, temporal: config.address, accounts: [...accounts.keys()], metrics: metricsServer?.url ?? 'off' },
          'worker started; Ctrl-C stops it',
        );
        await worker.run(); // returns after SIGINT/SIGTERM once in-flight activities are done
      } finally {
        await metricsServer?.close();
        await connection.close();
        await pool.end();
      }
    });
}
