/**
 * Extraction against the rate limits: a real worker (Temporal dev server, Postgres) pulls
 * the company call log from the simulator. Reports the rate achieved in the Heavy group
 * against the limit, and how many requests the server had to refuse.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { RateGovernor } from '../src/ratelimit/governor';
import { RingCentralClients } from '../src/ringcentral/client';
import { startSimulator } from 'ringcentral-simulator';
import type { Pool } from '../src/warehouse/db';
import { createWorker } from '../src/worker';
import { backfillWorkflow } from '../src/workflows';

const HEAVY = { limit: 10, windowMs: 2_000 };

export async function benchExtraction(pool: Pool, temporalAddress: string, workerCounts: number[]): Promise<string[]> {
  const lines = [
    `| workers | call-log pages | Heavy limit | achieved | share of limit | refused (429) |`,
    '|---:|---:|---:|---:|---:|---:|',
  ];
  for (const workers of workerCounts) {
    const sim = await startSimulator({
      seed: 3,
      extensions: 60,
      days: 2,
      callsPerExtensionPerDay: 40,
      clockSpeed: 0,
      eventsPerDay: 0,
      rateLimits: { Heavy: HEAVY, Light: { limit: 50, windowMs: 2_000 }, Medium: { limit: 40, windowMs: 2_000 }, Auth: { limit: 5, windowMs: 2_000 } },
    });
    const taskQueue = `bench-${workers}-${Date.now()}`;
    const account = `bench-extract-${workers}`;
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
    const started = Date.now();
    await client.workflow.execute(backfillWorkflow, {
      taskQueue,
      workflowId: taskQueue,
      args: [{ accountKey: account, from: new Date(now - 2 * 86_400_000).toISOString(), to: new Date(now - 600_000).toISOString(), streams: ['call_log'], windowMs: 4 * 3_600_000 }],
    });
    const log = sim.requestLog().filter((r) => r.group === 'Heavy');
    const pages = log.filter((r) => r.status === 200).length;
    const seconds = (Math.max(...log.map((r) => r.time)) - Math.min(...log.map((r) => r.time))) / 1000;
    const limitPerSec = HEAVY.limit / (HEAVY.windowMs / 1000);
    const achieved = (pages - 1) / seconds;
    lines.push(
      `| ${workers} | ${pages} | ${limitPerSec.toFixed(1)}/s | ${achieved.toFixed(2)}/s | ${((achieved / limitPerSec) * 100).toFixed(0)}% | ${log.filter((r) => r.throttled).length} |`,
    );
    void started;
    for (const r of running) {
      r.worker.shutdown();
      await r.done;
      await r.connection.close();
    }
    await connection.close();
    await sim.close();
  }
  return lines;
}
