/**
 * The main job on an embedded default: local Temporal (with UI), private Postgres, the
 * RingCentral simulator with a seeded account, and an in-process worker. Runs a backfill
 * of the simulated history, then syncs while the account changes, then summarises.
 */
import { demoStart, SYNC_STEP } from './timeline';
import { dataConverter } from '../codec';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { startLocalStack } from '../infra/local-stack';
import { RateGovernor } from '../ratelimit/governor';
import { RingCentralClients } from '../ringcentral/client';
import { startSimulator, type Simulator } from 'ringcentral-simulator';
import { createPool } from '../warehouse/db';
import { migrate } from '../warehouse/migrate';
import { createWorker } from '../worker';
import { accountSyncWorkflow, backfillWorkflow } from '../workflows';
import { followWorkflow } from '../client/progress';
import { formatSummary, warehouseSummary, type WarehouseSummary } from './summary';
import { installDemoLogging } from './worker-log';

export interface DemoOptions {
  seed: number;
  extensions: number;
  days: number;
  syncs: number;
  /** The simulator's rate-limit window; RingCentral's is 60 s. */
  rateWindowMs: number;
  log: (line: string) => void;
}

export interface DemoHandle {
  summary: WarehouseSummary;
  uiUrl?: string;
  stop(): Promise<void>;
}

const ACCOUNT = 'demo';
const HOUR = 3_600_000;

/** Moves the simulator's clock up to the wall clock every second (never back); returns its stop. */
function keepPace(sim: Simulator): () => Promise<void> {
  const tick = () => {
    if (Date.now() > sim.clock.now()) sim.clock.set(Date.now());
  };
  tick();
  const timer = setInterval(tick, 1_000);
  return async () => clearInterval(timer);
}

export async function runDemo(o: DemoOptions): Promise<DemoHandle> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  const logFile = installDemoLogging(o.log);
  try {
    o.log('Starting Temporal dev server (with UI) and Postgres...');
    const stack = await startLocalStack({ headless: false });
    cleanups.push(stack.stop);
    const rateLimits = Object.fromEntries(
      Object.entries({ Light: 50, Medium: 40, Heavy: 10, Auth: 5 }).map(([g, limit]) => [g, { limit, windowMs: o.rateWindowMs }]),
    );
    const sim: Simulator = await startSimulator({
      seed: o.seed,
      extensions: o.extensions,
      days: o.days,
      // Ends before the wall clock, which it then keeps pace with, so queries with now() ask
      // about the same moment as the data; sync 2 in the simulator's busy hours (timeline.ts).
      now: demoStart(Date.now(), o.syncs),
      clockSpeed: 0, // the demo moves simulated time itself, between syncs
      // Time stands still during the backfill: an account large enough for the message-store
      // export (--extensions 200 and more) gets its export at once instead of never.
      exportTaskMs: 0,
      rateLimits,
      callsPerExtensionPerDay: 40, // a busy office, so the recycled number has calls on both sides
      messagesPerExtensionPerDay: 6,
    });
    cleanups.push(() => sim.close());
    o.log(`RingCentral simulator at ${sim.url}: ${o.extensions} extensions, ${o.days} days of history (rate windows ${o.rateWindowMs / 1000} s).`);
    o.log(`Worker log: ${logFile}`);

    const pool = createPool(stack.databaseUrl);
    cleanups.push(() => pool.end());
    await migrate(pool);
    const accounts = new Map([[ACCOUNT, { key: ACCOUNT, serverUrl: sim.url, ...sim.credentials }]]);
    const rc = new RingCentralClients(accounts, { governor: new RateGovernor(pool) });
    const nativeConnection = await NativeConnection.connect({ address: stack.temporalAddress });
    const taskQueue = `rcsync-demo-${Date.now()}`;
    const worker = await createWorker({ connection: nativeConnection, namespace: 'default', taskQueue, pool, rc });
    const running = worker.run();
    cleanups.push(async () => {
      worker.shutdown();
      await running;
      await nativeConnection.close();
    });
    const connection = await Connection.connect({ address: stack.temporalAddress });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, dataConverter: dataConverter() });
    if (stack.uiUrl) o.log(`Temporal UI: ${stack.uiUrl}`);

    const simNow = () => new Date(sim.clock.now());
    const to = new Date(simNow().getTime() - 10 * 60_000).toISOString();
    const from = new Date(simNow().getTime() - o.days * 24 * HOUR).toISOString();
    o.log(`Backfill ${from} .. ${to} (call log and message stores):`);
    const backfill = await client.workflow.start(backfillWorkflow, {
      taskQueue,
      workflowId: `demo-backfill-${Date.now()}`,
      args: [{ accountId: ACCOUNT, from, to, streams: ['call_log', 'messages'] }],
    });
    await followWorkflow(client, backfill);

    let recycled: { number: string; oldId: number; newId: number; at: string } | undefined;
    for (let i = 1; i <= o.syncs; i++) {
      // The account lives between syncs: people join, leave, and numbers are recycled.
      if (i === 1) sim.events.hire();
      if (i === 2 || (i === o.syncs && !recycled)) {
        const r = sim.events.recycleScenario();
        recycled = { ...r, at: simNow().toISOString() };
        o.log(`Account change: extension ${r.oldId} left; its number ${r.number} now belongs to new extension ${r.newId}.`);
      }
      sim.clock.advance(SYNC_STEP);
      o.log(`Sync ${i}/${o.syncs} (simulated time ${simNow().toISOString()}):`);
      const handle = await client.workflow.start(accountSyncWorkflow, { taskQueue, workflowId: `demo-sync-${i}-${Date.now()}`, args: [{ accountId: ACCOUNT }] });
      await followWorkflow(client, handle);
    }
    // From here on the account lives in real time, so a sync started from the CLI sees a
    // new snapshot after the last merged one, and now() in SQL is the simulator's now.
    cleanups.push(keepPace(sim));
    const summary = await warehouseSummary(pool, ACCOUNT, recycled);
    o.log(formatSummary(summary, stack.uiUrl));
    // The simulator's credentials are demo values, not secrets: printing them lets users
    // point the rcsync CLI and psql at this running stack.
    o.log(
      `\nTo use the CLI and psql against this stack, in another shell:\n  export DATABASE_URL=${stack.databaseUrl} TEMPORAL_ADDRESS=${stack.temporalAddress} ` +
        `TEMPORAL_TASK_QUEUE=${taskQueue} RC_ACCOUNT_KEY=${ACCOUNT} RC_SERVER_URL=${sim.url} RC_CLIENT_ID=${sim.credentials.clientId} ` +
        `RC_CLIENT_SECRET=${sim.credentials.clientSecret} RC_JWT=${sim.credentials.jwt}\n  npm run -s rcsync -- status; npm run -s rcsync -- sync --wait; psql "$DATABASE_URL"`,
    );
    return { summary, uiUrl: stack.uiUrl, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
