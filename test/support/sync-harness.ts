/** A simulator + worker + client wired together for one test file. */
import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { ActivityDeps } from '../../src/activities';
import { RateGovernor } from '../../src/ratelimit/governor';
import { RingCentralClients } from '../../src/ringcentral/client';
import { startSimulator, type Simulator, type SimulatorOptions } from 'ringcentral-simulator';
import type { Pool } from '../../src/warehouse/db';
import { createWorker } from '../../src/worker';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { temporalClient, testDatabase, uniqueName, workerConnection } from './stack';

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

export interface SyncStack {
  db: Awaited<ReturnType<typeof testDatabase>>;
  sim: Simulator;
  client: Client;
  taskQueue: string;
  workers: TestWorker[];
}

/**
 * Registers beforeAll/afterAll for a test file: its own database, a simulator, a client and
 * `workers` workers on a fresh task queue. Fields are filled in by beforeAll.
 */
export function useSyncStack(simOptions: SimulatorOptions, settings: ActivityDeps['settings'] = { maxPageSize: 25 }, workers = 1): SyncStack {
  const stack = { workers: [] as TestWorker[] } as unknown as SyncStack;
  let closeClient: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    stack.db = await testDatabase();
    stack.sim = await startTestSimulator(simOptions);
    const c = await testClient();
    stack.client = c.client;
    stack.taskQueue = c.taskQueue;
    closeClient = c.close;
    for (let i = 0; i < workers; i++) stack.workers.push(await startTestWorker(stack.db.pool, stack.sim, stack.taskQueue, settings));
  });
  afterAll(async () => {
    await Promise.all(stack.workers.map((w) => w.stop()));
    await closeClient?.();
    await stack.sim?.close();
    await stack.db?.drop();
  });
  return stack;
}

/** The warehouse holds exactly the simulator's call-log records with startTime in [from, to). */
export async function expectCallLogEqualsTruth(stack: SyncStack, from: string | number, to: string | number, compare: 'ids' | 'records' = 'ids'): Promise<number> {
  const truth = stack.sim.truth.callLog({ from, to, showDeleted: true });
  const { rows } = await stack.db.pool.query<{ id: string; raw: unknown }>(
    'SELECT id, raw FROM ringcentral.call_log_record WHERE account_id = $1 AND start_time >= $2 AND start_time < $3 ORDER BY id',
    [ACCOUNT, new Date(from).toISOString(), new Date(to).toISOString()],
  );
  expect(rows.map((r) => r.id).sort()).toEqual(truth.map((r) => r.id as string).sort());
  if (compare === 'records') {
    const byId = new Map(rows.map((r) => [r.id, r.raw]));
    for (const record of truth) expect(byId.get(record.id as string)).toEqual(record);
  }
  return truth.length;
}

/** The environment a worker process or CLI command needs to reach this stack, as `rcsync worker` reads it. */
export function stackEnv(stack: SyncStack): Record<string, string> {
  return {
    DATABASE_URL: stack.db.url,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: stack.taskQueue,
    RC_ACCOUNT_KEY: ACCOUNT,
    RC_SERVER_URL: stack.sim.url,
    RC_CLIENT_ID: stack.sim.credentials.clientId,
    RC_CLIENT_SECRET: stack.sim.credentials.clientSecret,
    RC_JWT: stack.sim.credentials.jwt,
  };
}
