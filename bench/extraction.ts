/**
 * Extraction against the rate limits: real workers (Temporal dev server, Postgres) pull the
 * company call log from the simulator, at RingCentral's default Heavy limit and at a small
 * custom one, with one worker and with three sharing the account. Reports the share of the
 * limit used (from the simulator's request log, the server's view) and how many requests
 * the server refused. Windows are scaled down to 2 s so that a run spans many of them.
 */
import { startSimulator } from 'ringcentral-simulator';
import type { Pool } from '../src/warehouse/db';
import { backfillWorkflow } from '../src/workflows';
import { startBenchWorkers } from './bench-worker';
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
      const bench = await startBenchWorkers(pool, temporalAddress, sim, { account, taskQueue, count: workers, settings: { maxPageSize: 20 } });
      const now = sim.clock.now();
      sim.resetStats();
      await bench.client.workflow.execute(backfillWorkflow, {
        taskQueue,
        workflowId: taskQueue,
        args: [{ accountId: account, from: new Date(now - shape.days * 86_400_000).toISOString(), to: new Date(now - 600_000).toISOString(), streams: ['call_log'], windowMs: 4 * 3_600_000 }],
      });
      const usage = rateUsage(sim.requestLog(), 'Heavy', shape.limit, WINDOW_MS);
      lines.push(`| ${shape.name} | ${workers} | ${usage.admitted} | ${(usage.utilisation * 100).toFixed(1)}% | ${usage.refused} |`);
      await bench.stop();
      await sim.close();
    }
  }
  return lines;
}
