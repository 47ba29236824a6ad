/**
 * Freshness: how long after a message or a call appears in the simulator its row is in the
 * warehouse, with push (the push workflow's micro-syncs plus the schedule) and with polling only
 * (the schedule); and what it costs in Light requests, at two account sizes with push, to show
 * whether the cost follows the mailboxes that changed or the account's size.
 *
 * The simulator runs time-scaled (SPEED× the wall clock) with its rate windows and our worker's
 * timings scaled alike, so every figure is in the account's (simulated) time. Our own processing
 * is not scaled: a second of it counts as SPEED simulated seconds, so these freshness figures are
 * pessimistic. Each case starts where a deployment runs: a backfill of a day left every mailbox a
 * sync token, then a sync; then the schedule (and push, at its defaults scaled) run for
 * RUN_SIM_MS. Rows are looked for every 250 ms wall; a record never landed counts as older than the run.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { startSimulator, type Simulator } from 'ringcentral-simulator';
import { DEFAULT_EXTRACTION_SETTINGS } from '../src/activities/deps';
import { DEFAULT_LIMITS } from '../src/ratelimit/governor';
import type { Pool } from '../src/warehouse/db';
import { accountSyncWorkflow, backfillWorkflow, pushWorkflow } from '../src/workflows';
import { PUSH_DEFAULTS } from '../src/workflows/push';
import { startBenchWorkers } from './bench-worker';

const SPEED = 20;
const RUN_SIM_MS = 25 * 60_000;
/** After the run, this long for the last records to land (records appearing then are not counted). */
const TAIL_SIM_MS = 5 * 60_000;
const SCHEDULE_SIM_MS = 15 * 60_000;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const TARGET_P95_MS = 2 * MINUTE;
/** The simulator's calls appear in its call log this long after they end (packages/ringcentral-simulator/src/calls.ts). */
const CALL_VISIBLE_AFTER_MS = 30_000;
/** Simulated ms as wall ms for our own timings (the worker's settings are wall time). */
const wall = (simMs: number) => Math.round(simMs / SPEED);

interface Case {
  mode: 'push' | 'polling';
  extensions: number;
}
const CASES: Case[] = [
  { mode: 'push', extensions: 2_000 },
  { mode: 'polling', extensions: 2_000 },
  { mode: 'push', extensions: 500 },
];

interface Ages {
  count: number;
  landed: number;
  p50: number;
  p95: number;
}

interface Measured extends Case {
  messages: Ages;
  calls: Ages;
  changedMailboxes: number;
  light: { total: number; micro: number; due: number };
  /** Push: how long the first subscription's gap (every mailbox marked) took to drain, simulated. */
  gapDrainMs?: number;
}

export async function benchFreshness(pool: Pool, temporalAddress: string): Promise<string[]> {
  const results: Measured[] = [];
  for (const c of CASES) results.push(await measure(pool, temporalAddress, c));
  const perHour = (n: number) => Math.round((n * 60 * MINUTE) / RUN_SIM_MS);
  const lines = [
    `Simulator clock at ${SPEED}× with its rate windows scaled alike (Light ${DEFAULT_LIMITS.Light.limit} per ${DEFAULT_LIMITS.Light.windowMs / 1000} simulated s), 20 messages and 5 calls per extension per day, a scheduled sync every ${SCHEDULE_SIM_MS / MINUTE} min; ` +
      `per case, what appeared in ${RUN_SIM_MS / MINUTE} simulated minutes, watched ${TAIL_SIM_MS / MINUTE} more. Freshness: simulated time from a message's creation, or a call's appearance in the call log, to its row in the warehouse; ` +
      `"not landed": by the end, so older than ${TAIL_SIM_MS / MINUTE} min at least. Our own processing is not time-scaled: each wall second of it counts as ${SPEED} simulated seconds here.`,
    '',
    '| mode | extensions | new messages (landed) | messages p50 | messages p95 | new calls (landed) | calls p50 | calls p95 |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map(
      (r) =>
        `| ${label(r)} | ${r.extensions.toLocaleString('en-US')} | ${r.messages.count} (${r.messages.landed}) | ${show(r.messages.p50)} | ${show(r.messages.p95)} | ${r.calls.count} (${r.calls.landed}) | ${show(r.calls.p50)} | ${show(r.calls.p95)} |`,
    ),
    '',
    'Light requests per simulated hour, and what drives them:',
    '',
    '| mode | extensions | new messages per hour | mailboxes with new messages per hour | Light per hour | of which micro-syncs | reconciliation (due) picks per hour | Light per new message, beyond reconciliation |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map(
      (r) =>
        `| ${label(r)} | ${r.extensions.toLocaleString('en-US')} | ${perHour(r.messages.count)} | ${perHour(r.changedMailboxes)} | ${perHour(r.light.total)} | ${r.mode === 'push' ? perHour(r.light.micro) : '-'} | ${perHour(r.light.due)} | ${perNewMessage(r).toFixed(2)} |`,
    ),
    '',
    ...targetLines(results),
  ];
  return lines;
}

const label = (c: Case) => (c.mode === 'push' ? 'push + schedule' : 'polling only (schedule)');
const show = (ms: number) => (Number.isFinite(ms) ? `${(ms / MINUTE).toFixed(1)} min` : 'not landed');

/** Light requests beyond the daily reconciliation, per new message: what push makes the cost follow. */
const perNewMessage = (r: Measured) => (r.light.total - r.light.due) / Math.max(1, r.messages.count);

/** The issue's targets, met or missed, with the figures that say so. */
function targetLines(results: Measured[]): string[] {
  const [big, polling, small] = results;
  const met = (a: Ages) => a.p95 <= TARGET_P95_MS;
  const ofTotal = (r: Measured) => `${Math.round((r.light.due / Math.max(1, r.light.total)) * 100)}%`;
  return [
    `- p95 under 2 min with push at ${big.extensions.toLocaleString('en-US')} extensions: messages **${met(big.messages) ? 'met' : 'missed'}** (${show(big.messages.p95)}), calls **${met(big.calls) ? 'met' : 'missed'}** (${show(big.calls.p95)}); ` +
      `at ${small.extensions.toLocaleString('en-US')}: messages ${show(small.messages.p95)}, calls ${show(small.calls.p95)}. Polling only, at ${polling.extensions.toLocaleString('en-US')}: messages ${show(polling.messages.p95)}, calls ${show(polling.calls.p95)}.`,
    `- The first subscription is a gap (events before it reached no one): every mailbox marked, read after the events' marks with the Light budget left over, drained in ${results.filter((r) => r.gapDrainMs !== undefined).map((r) => `${show(r.gapDrainMs!)} at ${r.extensions.toLocaleString('en-US')} extensions`).join(' and ')} (simulated), before the measurements above.`,
    `- Light requests with push follow what changed, not the account's size: beyond the daily reconciliation, ${perNewMessage(small).toFixed(2)} Light per new message at ${small.extensions.toLocaleString('en-US')} extensions and ${perNewMessage(big).toFixed(2)} at ${big.extensions.toLocaleString('en-US')} ` +
      `(4× the extensions, ${(big.messages.count / Math.max(1, small.messages.count)).toFixed(1)}× the new messages). The part that grows with the size on purpose is each mailbox's daily reconciliation, whatever push says: ${ofTotal(small)} and ${ofTotal(big)} of the Light requests here.`,
  ];
}

async function measure(pool: Pool, temporalAddress: string, c: Case): Promise<Measured> {
  const sim = await startSimulator({ seed: 8, extensions: c.extensions, days: 1, messagesPerExtensionPerDay: 20, callsPerExtensionPerDay: 5, clockSpeed: SPEED, eventsPerDay: 0, rateWindowScale: 1 / SPEED, exportTaskMs: 0 });
  const account = `bench-fresh-${c.mode}-${c.extensions}-${Date.now()}`;
  // The reconciliation period is the worker's wall time: scaled like the rest.
  const bench = await startBenchWorkers(pool, temporalAddress, sim, { account, taskQueue: account, count: 1, settings: { messageReconcileHours: DEFAULT_EXTRACTION_SETTINGS.messageReconcileHours / SPEED } });
  const { client, taskQueue } = bench;
  let syncs = 0;
  const sync = () =>
    client.workflow.execute(accountSyncWorkflow, { taskQueue, workflowId: `${account}-sync-${++syncs}`, args: [{ accountId: account, scheduleIntervalMs: wall(SCHEDULE_SIM_MS) }] });
  let push: WorkflowHandle<typeof pushWorkflow> | undefined;
  let gapDrainMs: number | undefined;
  try {
    // The steady state a deployment runs in: a backfill left every mailbox a sync token, then a sync.
    const now = sim.clock.now();
    await client.workflow.execute(backfillWorkflow, {
      taskQueue,
      workflowId: `${account}-backfill`,
      args: [{ accountId: account, from: new Date(now - DAY).toISOString(), to: new Date(now).toISOString(), streams: ['call_log', 'messages'] }],
    });
    await sync();
    if (c.mode === 'push') {
      const scaled = Object.fromEntries(Object.entries(PUSH_DEFAULTS).map(([k, v]) => [k, k.endsWith('Ms') ? wall(v) : v]));
      push = await client.workflow.start(pushWorkflow, { taskQueue, workflowId: `${account}-push`, args: [{ ...scaled, accountId: account }] });
      await until(async () => (await pool.query(`SELECT 1 FROM ringcentral.push_state WHERE account_id = $1 AND status = 'connected'`, [account])).rows.length > 0);
      // The first subscription is a gap (every mailbox marked): measured after it drained.
      const from = sim.clock.now();
      await until(async () => (await gapMarks(pool, account)) === 0, 15 * 60_000);
      gapDrainMs = sim.clock.now() - from;
    }
    const start = sim.clock.now();
    const startedAt = new Date();
    const messageSeen = new Map<string, number>();
    const callSeen = new Map<string, number>();
    const inFlight = new Set<Promise<unknown>>();
    const schedule = setInterval(() => {
      const run = sync().catch(() => undefined);
      inFlight.add(run);
      void run.finally(() => inFlight.delete(run));
    }, wall(SCHEDULE_SIM_MS));
    let light: Measured['light'] | undefined;
    while (sim.clock.now() - start < RUN_SIM_MS + TAIL_SIM_MS) {
      const now = sim.clock.now();
      const since = new Date(start - 3 * 60 * MINUTE).toISOString(); // calls start up to 2 h before they end
      const [messages, calls] = await Promise.all([
        pool.query(`SELECT id::text FROM ringcentral.message WHERE account_id = $1 AND creation_time >= $2`, [account, new Date(start).toISOString()]),
        pool.query(`SELECT id FROM ringcentral.call_log_record WHERE account_id = $1 AND start_time >= $2`, [account, since]),
      ]);
      for (const r of messages.rows) if (!messageSeen.has(r.id)) messageSeen.set(r.id, now);
      for (const r of calls.rows) if (!callSeen.has(r.id)) callSeen.set(r.id, now);
      if (!light && now - start >= RUN_SIM_MS) light = await lightSpent(pool, account, startedAt);
      await new Promise((r) => setTimeout(r, 250));
    }
    clearInterval(schedule);
    await Promise.all(inFlight); // before the connections close
    const end = start + RUN_SIM_MS;
    const { ages: messageAges, mailboxes } = messageFreshness(sim, messageSeen, start, end);
    return {
      ...c,
      messages: summarize(messageAges),
      calls: summarize(callFreshness(sim, callSeen, start, end)),
      changedMailboxes: mailboxes,
      light: light ?? (await lightSpent(pool, account, startedAt)),
      gapDrainMs,
    };
  } finally {
    if (push) {
      await push.cancel();
      await push.result().catch(() => undefined);
    }
    await bench.stop();
    await sim.close();
  }
}

/** Each message created in [start, end): its age when its row was first seen; and how many mailboxes had one. */
function messageFreshness(sim: Simulator, seen: Map<string, number>, start: number, end: number): { ages: number[]; mailboxes: number } {
  const ages: number[] = [];
  let mailboxes = 0;
  for (const e of sim.truth.extensions() as Array<{ id: number }>) {
    const fresh = sim.truth.messages(e.id, { from: start, to: end });
    if (fresh.length > 0) mailboxes++;
    for (const m of fresh) ages.push(ageOf(seen.get(String(m.id)), Date.parse(m.creationTime as string)));
  }
  return { ages, mailboxes };
}

/** Each call that appeared in the call log in [start, end) (it ended, then became visible): its age when its row was first seen. */
function callFreshness(sim: Simulator, seen: Map<string, number>, start: number, end: number): number[] {
  const ages: number[] = [];
  for (const call of sim.truth.callLog({ from: start - 3 * 60 * MINUTE, to: end })) {
    const appeared = Date.parse(call.startTime as string) + Number(call.duration ?? 0) * 1000 + CALL_VISIBLE_AFTER_MS;
    if (appeared >= start && appeared < end) ages.push(ageOf(seen.get(String(call.id)), appeared));
  }
  return ages;
}

const ageOf = (seenAt: number | undefined, appeared: number) => (seenAt === undefined ? Infinity : Math.max(0, seenAt - appeared));

function summarize(ages: number[]): Ages {
  const sorted = [...ages].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  return { count: ages.length, landed: ages.filter(Number.isFinite).length, p50: pct(0.5), p95: pct(0.95) };
}

/** Light requests the runs started since `from` sent (the governor's per-run counts), those of micro-syncs, and the cost of reconciliation picks. */
async function lightSpent(pool: Pool, account: string, from: Date): Promise<Measured['light']> {
  const { rows } = await pool.query<{ total: number; micro: number; due: number }>(
    `SELECT coalesce(sum(q.requests), 0)::int AS total,
            coalesce(sum(q.requests) FILTER (WHERE r.run_id LIKE '%/micro-%'), 0)::int AS micro,
            (SELECT count(*)::int FROM ringcentral.message_sync_selection s JOIN ringcentral.sync_run r2 ON r2.run_id = s.run_id
              WHERE r2.account_id = $1 AND r2.started_at >= $2 AND s.reason = 'due') AS due
       FROM ringcentral.sync_run r JOIN ringcentral.run_request q ON q.run_id = r.run_id AND q.rate_group = 'Light'
      WHERE r.account_id = $1 AND r.started_at >= $2`,
    [account, from],
  );
  return rows[0];
}

const gapMarks = async (pool: Pool, account: string): Promise<number> =>
  (await pool.query(`SELECT count(*)::int AS n FROM ringcentral.mailbox_state WHERE account_id = $1 AND dirty_at IS NOT NULL AND dirty_by_gap`, [account])).rows[0].n;

async function until(probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`bench freshness: gave up waiting after ${timeoutMs / 1000} s (push connected, its first gap drained)`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
