/** A simulator + worker + client wired together for one test file. */
import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { ActivityDeps } from '../../src/activities';
import { RateGovernor } from '../../src/ratelimit/governor';
import { RingCentralClients } from '../../src/ringcentral/client';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator';
import type { Pool } from '../../src/warehouse/db';
import { createWorker } from '../../src/worker';
import { temporalClient, uniqueName, workerConnection } from './stack';

export const ACCOUNT = 'acme';

/** Rate windows scaled down 60x so tests see real limiting in seconds, not minutes. */
export const FAST_LIMITS = {
  Light: { limit: 50, windowMs: 1_000 },
  Medium: { limit: 40, windowMs: 1_000 },
  Heavy: { limit: 10, windowMs: 1_000 },
  Auth: { limit: 5, windowMs: 1_000 },
};

export async function startTestSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({ seed: 11, extensions: 12, days: 2, clockSpeed: 0, rateLimits: FAST_LIMITS, penaltyMs: 2_000, eventsPerDay: 0, ...options });
}

export function accountsFor(sim: Simulator) {
  return new Map([[ACCOUNT, { key: ACCOUNT, serverUrl: sim.url, ...sim.credentials }]]);
}

export interface TestWorker {
  worker: Worker;
  stop(): Promise<void>;
}

export async function startTestWorker(pool: Pool, sim: Simulator, taskQueue: string, settings: ActivityDeps['settings'] = { maxPageSize: 25 }): Promise<TestWorker> {
  const connection = await workerConnection();
  const rc = new RingCentralClients(accountsFor(sim), { governor: new RateGovernor(pool) });
  const worker = await createWorker({ connection, namespace: 'default', taskQueue, pool, rc, settings });
  const running = worker.run();
  return {
    worker,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await connection.close();
    },
  };
}

export async function testClient(): Promise<{ client: Client; close(): Promise<void>; taskQueue: string }> {
  const { client, connection } = await temporalClient();
  return { client, close: () => connection.close(), taskQueue: uniqueName('tq') };
}
