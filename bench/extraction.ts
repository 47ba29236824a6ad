/**
 * Extraction against the rate limits: real workers (Temporal dev server, Postgres) pull the
 * company call log from the simulator, at RingCentral's default Heavy limit and at a small
 * custom one, with one worker and with three sharing the account. Reports the share of the
 * limit used (from the simulator's request log, the server's view) and how many requests
 * the server refused. Windows are scaled down to 2 s so that a run spans many of them.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { startSimulator } from 'ringcentral-simulator';
import { RateGovernor } from '../src/ratelimit/governor';
import { RingCentralClients } from '../src/ringcentral/client';
import type { Pool } from '../src/warehouse/db';
import { createWorker } from '../src/worker';
import { backfillWorkflow } from '../src/workflows';
import { rateUsage } from './rate-usage';

const WINDOW_MS = 2_000;
const SHAPES = [
  { name: 'default (10 / 60 s)', rateLimits: {}, scale: WINDOW_MS / 60_000, limit: 10, days: 2 },
  { name: 'custom (3 / 10 s)', rateLimits: { Heavy: { limit: 3, windowMs: 10_000 } }, scale: WINDOW_MS / 10_000, limit: 3, days: 1 },
];

export async function benchExtraction(pool: Pool, temporalAddress: string, workerCounts: number[]): Promise<string[]> {
  const lines = [
    `Heavy windows scaled to ${WINDOW_MS / 1000} s. Share of limit: call-log requests the simulator admitted in the whole windows from the first one on, over what those windows allow.`,
    '',
    '| Heavy limit | workers | call-log pages | share of limit | refused (429) |',
    '|---|---:|---:|---:|---:|',
  ];
  for (const shape of SHAPES) {
    for (const workers of workerCounts) {
      const sim = await startSimulator({
        seed: 3,
        extensions: 60,
        days: shape.days,
        callsPerExtensionPerDay: 40,
        clockSpeed: 0,
        eventsPerDay: 0,
        rateLimits: shape.rateLimits,
        rateWindowScale: shape.scale,
      });
      const taskQueue = `bench-${shape.limit}-${workers}-${Date.now()}`;
      const account = `bench-extract-${shape.limit}-${workers}`;
      const accounts = new Map([[account, { key: account, serverUrl: sim.url, ...sim.credentials }]]);
      const running = [];
      for (let i = 0; i < workers; i++) {
        const connection = await NativeConnection.connect({ address: temporalAddress });
        const rc = new RingCentralClients(accounts, { governor: new RateGovernor(pool) });
        const worker = await createWorker({ connection, namespace: 'default', taskQueue, pool, rc, settings: { maxPageSize: 20 } });
        running.push({ worker, connection, done: worker.run() });
      }
      const connection = await Connection.connect({ address: temporalAddress });
      const client = new Client({ connection });
      const now = sim.clock.now();
      sim.resetStats();
      await client.workflow.execute(backfillWorkflow, {
        taskQueue,
        workflowId: taskQueue,
        args: [{ accountId: account, from: new Date(now - shape.days * 86_400_000).toISOString(), to: new Date(now - 600_000).toISOString(), streams: ['call_log'], windowMs: 4 * 3_600_000 }],
      });
      const usage = rateUsage(sim.requestLog(), 'Heavy', shape.limit, WINDOW_MS);
      lines.push(`| ${shape.name} | ${workers} | ${usage.admitted} | ${(usage.utilisation * 100).toFixed(1)}% | ${usage.refused} |`);
      for (const r of running) {
        r.worker.shutdown();
        await r.done;
        await r.connection.close();
      }
      await connection.close();
      await sim.close();
    }
  }
  return lines;
}
