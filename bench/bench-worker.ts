/**
 * Real workers for a benchmark: `count` worker processes' worth of Temporal workers (each its
 * own connection and RingCentral session) serving one simulator account, and a client to
 * start workflows. Shared by bench/extraction.ts and bench/scale.ts.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Simulator } from 'ringcentral-simulator';
import type { ExtractionSettings } from '../src/activities/deps';
import { RateGovernor } from '../src/ratelimit/governor';
import { RingCentralClients } from '../src/ringcentral/client';
import type { Pool } from '../src/warehouse/db';
import { createWorker } from '../src/worker';

export interface BenchWorkers {
  client: Client;
  taskQueue: string;
  stop(): Promise<void>;
}

export async function startBenchWorkers(
  pool: Pool,
  temporalAddress: string,
  sim: Simulator,
  o: { account: string; taskQueue: string; count: number; settings?: Partial<ExtractionSettings> },
): Promise<BenchWorkers> {
  const accounts = new Map([[o.account, { key: o.account, serverUrl: sim.url, ...sim.credentials }]]);
  const running: Array<{ worker: Worker; connection: NativeConnection; done: Promise<void> }> = [];
  for (let i = 0; i < o.count; i++) {
    const connection = await NativeConnection.connect({ address: temporalAddress });
    const rc = new RingCentralClients(accounts, { governor: new RateGovernor(pool) });
    const worker = await createWorker({ connection, namespace: 'default', taskQueue: o.taskQueue, pool, rc, settings: o.settings });
    running.push({ worker, connection, done: worker.run() });
  }
  const connection = await Connection.connect({ address: temporalAddress });
  return {
    client: new Client({ connection }),
    taskQueue: o.taskQueue,
    async stop() {
      for (const r of running) {
        r.worker.shutdown();
        await r.done;
        await r.connection.close();
      }
      await connection.close();
    },
  };
}
