/**
 * Freshness: how long after a message appears in the simulator its row is in the warehouse,
 * with push (the push workflow's micro-syncs plus the schedule) and with polling only (the
 * schedule). The simulator runs time-scaled (SPEED× the wall clock) with its rate windows and
 * our worker's timings scaled alike, so every figure is in the account's (simulated) time.
 * Each new message's row is looked for every 250 ms wall; a message never landed by the end
 * counts as older than the run.
 */
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { startSimulator } from 'ringcentral-simulator';
import { DEFAULT_EXTRACTION_SETTINGS } from '../src/activities/deps';
import { DEFAULT_LIMITS, RateGovernor } from '../src/ratelimit/governor';
import { RingCentralClients } from '../src/ringcentral/client';
import type { Pool } from '../src/warehouse/db';
import { createWorker } from '../src/worker';
import { accountSyncWorkflow, pushWorkflow } from '../src/workflows';

const SPEED = 20;
const EXTENSIONS = 2_000;
const RUN_SIM_MS = 25 * 60_000;
/** After the run, this long for the last messages to land (they are not counted as new). */
const TAIL_SIM_MS = 5 * 60_000;
const SCHEDULE_SIM_MS = 15 * 60_000;
const MINUTE = 60_000;
/** Simulated ms as wall ms for our own timings (the worker's settings are wall time). */
const wall = (simMs: number) => Math.round(simMs / SPEED);

export async function benchFreshness(pool: Pool, temporalAddress: string): Promise<string[]> {
  const lines = [
    `${EXTENSIONS.toLocaleString('en-US')} extensions, ` +
      `simulator clock at ${SPEED}× with its rate windows scaled alike, a scheduled sync every ${SCHEDULE_SIM_MS / MINUTE} min; per mode, the messages created in ${RUN_SIM_MS / MINUTE} simulated minutes, ` +
      `watched ${TAIL_SIM_MS / MINUTE} more. Freshness: simulated time from a message's creation to its row in the warehouse (messages only; calls are not measured here); ` +
      `"not landed": by the end, so older than ${TAIL_SIM_MS / MINUTE} min at least.`,
    '',
    '| mode | new messages | mailboxes with new messages | landed by the end | freshness p50 | freshness p95 | p95 of those created while no scheduled sync ran | Light requests per simulated hour |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const push = await measure(pool, temporalAddress, 'push');
  const polling = await measure(pool, temporalAddress, 'polling');
  lines.push(push.row, polling.row, '', targetLine(push));
  lines.push(
    '',
    'A micro-sync takes the account\'s one sync slot, so a message created while a scheduled sync holds it (reading its mailboxes at the Light limit) waits for that sync to end: the last column leaves those out.',
  );
  return lines;
}

interface Measured {
  row: string;
  p95Ms: number;
  /** Mailboxes with new messages per simulated minute. */
  changedPerMinute: number;
}

/** The issue's target, and why when missed: the micro-syncs' Light budget against the mailboxes that changed. */
function targetLine(push: Measured): string {
  const share = DEFAULT_EXTRACTION_SETTINGS.messageBudgetShare;
  const perMinute = share * DEFAULT_LIMITS.Light.limit * (MINUTE / DEFAULT_LIMITS.Light.windowMs);
  const p95 = Number.isFinite(push.p95Ms) ? `${(push.p95Ms / MINUTE).toFixed(1)} min` : `not reached (over ${TAIL_SIM_MS / MINUTE} min)`;
  if (push.p95Ms <= 2 * MINUTE) return `- p95 under 2 min with push: **met**, ${p95}.`;
  return (
    `- p95 under 2 min with push: **missed**, ${p95}. Why: ${push.changedPerMinute.toFixed(1)} mailboxes changed per minute, and a micro-sync may read ` +
    `${perMinute} a minute (share ${share} of the Light limit, ${DEFAULT_LIMITS.Light.limit} per ${DEFAULT_LIMITS.Light.windowMs / 1000} s), so the queue drains slowly, and not at all while a scheduled sync holds the account's slot.`
  );
}

async function measure(pool: Pool, temporalAddress: string, mode: 'push' | 'polling'): Promise<Measured> {
  const sim = await startSimulator({ seed: 8, extensions: EXTENSIONS, days: 1, messagesPerExtensionPerDay: 20, callsPerExtensionPerDay: 5, clockSpeed: SPEED, eventsPerDay: 0, rateWindowScale: 1 / SPEED });
  const account = `bench-fresh-${mode}-${Date.now()}`;
  const taskQueue = account;
  const accounts = new Map([[account, { key: account, serverUrl: sim.url, ...sim.credentials }]]);
  const connection = await NativeConnection.connect({ address: temporalAddress });
  const worker = await createWorker({ connection, namespace: 'default', taskQueue, pool, rc: new RingCentralClients(accounts, { governor: new RateGovernor(pool) }) });
  const running = worker.run();
  const clientConnection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection: clientConnection });
  let syncs = 0;
  const sync = () =>
    client.workflow.execute(accountSyncWorkflow, { taskQueue, workflowId: `${account}-sync-${++syncs}`, args: [{ accountId: account, scheduleIntervalMs: wall(SCHEDULE_SIM_MS) }] });
  let push: WorkflowHandle<typeof pushWorkflow> | undefined;
  try {
    await sync(); // the extension list, tokens within the budget, the call log
    if (mode === 'push') {
      push = await client.workflow.start(pushWorkflow, {
        taskQueue,
        workflowId: `${account}-push`,
        args: [{ accountId: account, listenMs: wall(MINUTE), settleMs: wall(2_000), microIntervalMs: wall(MINUTE), callLogDueAfterMs: wall(MINUTE), renewEveryMs: wall(5 * MINUTE), leaseGraceMs: wall(5 * MINUTE) }],
      });
      await until(async () => (await pool.query(`SELECT 1 FROM ringcentral.push_state WHERE account_id = $1 AND status = 'connected'`, [account])).rows.length > 0);
    }
    const start = sim.clock.now();
    const lightBefore = sim.stats().requestsByGroup.Light;
    let lightAtEnd: number | undefined;
    const seen = new Map<number, number>();
    const inFlight = new Set<Promise<unknown>>();
    /** When each scheduled sync held the account (simulated time): a micro-sync waits meanwhile. */
    const scheduled: Array<[number, number]> = [];
    const schedule = setInterval(() => {
      const began = sim.clock.now();
      const run = sync()
        .catch(() => undefined)
        .then(() => void scheduled.push([began, sim.clock.now()]));
      inFlight.add(run);
      void run.finally(() => inFlight.delete(run));
    }, wall(SCHEDULE_SIM_MS));
    while (sim.clock.now() - start < RUN_SIM_MS + TAIL_SIM_MS) {
      const { rows } = await pool.query(`SELECT id FROM ringcentral.message WHERE account_id = $1 AND creation_time >= $2`, [account, new Date(start).toISOString()]);
      const now = sim.clock.now();
      for (const r of rows) if (!seen.has(Number(r.id))) seen.set(Number(r.id), now);
      if (lightAtEnd === undefined && now - start >= RUN_SIM_MS) lightAtEnd = sim.stats().requestsByGroup.Light;
      await new Promise((r) => setTimeout(r, 250));
    }
    clearInterval(schedule);
    const end = start + RUN_SIM_MS;
    await Promise.all(inFlight); // before the connections close
    const ages: number[] = [];
    const quietAges: number[] = [];
    let active = 0;
    for (const e of sim.truth.extensions() as Array<{ id: number }>) {
      const fresh = sim.truth.messages(e.id, { from: start, to: end });
      if (fresh.length > 0) active++;
      for (const m of fresh) {
        const at = seen.get(Number(m.id));
        const created = Date.parse(m.creationTime as string);
        const age = at === undefined ? Infinity : at - created;
        ages.push(age);
        if (!scheduled.some(([from, to]) => created >= from && created <= to)) quietAges.push(age);
      }
    }
    const pct = (list: number[], p: number) => [...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.floor(p * list.length))] ?? NaN;
    const show = (ms: number) => (Number.isFinite(ms) ? `${(ms / MINUTE).toFixed(1)} min` : 'not landed');
    const landed = ages.filter(Number.isFinite).length;
    const lightPerHour = Math.round((((lightAtEnd ?? sim.stats().requestsByGroup.Light) - lightBefore) * 60 * MINUTE) / RUN_SIM_MS);
    return {
      row: `| ${mode === 'push' ? 'push + schedule' : 'polling only (schedule)'} | ${ages.length} | ${active} | ${landed} | ${show(pct(ages, 0.5))} | ${show(pct(ages, 0.95))} | ${show(pct(quietAges, 0.95))} (${quietAges.length}) | ${lightPerHour} |`,
      p95Ms: pct(ages, 0.95),
      changedPerMinute: active / (RUN_SIM_MS / MINUTE),
    };
  } finally {
    if (push) {
      await push.cancel();
      await push.result().catch(() => undefined);
    }
    worker.shutdown();
    await running;
    await connection.close();
    await clientConnection.close();
    await sim.close();
  }
}

async function until(probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('the push subscription did not connect');
    await new Promise((r) => setTimeout(r, 200));
  }
}

