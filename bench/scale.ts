/**
 * The scale table (issue #11, "Measured"): per account size, the real workflows on a real
 * worker (Temporal dev server, Postgres) against the simulator, step by step: a 30-day
 * backfill, the first sync after it, a quiet sync and a busy sync. Per step: the requests
 * per rate group (the simulator's request log, reset between steps), what they cost at
 * RingCentral's real limits, the floor (the cheapest plan's cost, bench/scale-cost.ts), the
 * wall time with the windows sped up, and wall ÷ floor. Then checks the issue's targets.
 *
 * Time scale: RingCentral's windows are 60 s; the simulator's are 1 s (the
 * `X-Rate-Limit-Window` header counts whole seconds, so the governor cannot learn a shorter
 * one) with twice the requests, so every group admits SPEEDUP = 120 times RingCentral's rate
 * (a 60-s window's worth in 0.5 s). The message budget is a share of the Light rate the
 * governor learnt, so the share is divided by the same factor: a sync plans the 375 Light
 * requests it would plan against RingCentral.
 */
import os from 'node:os';
import type { RequestLogEntry, Simulator, SimulatorOptions } from 'ringcentral-simulator';
import { startSimulator } from 'ringcentral-simulator';
import { dueQuota } from '../src/activities/message-budget';
import { DEFAULT_EXTRACTION_SETTINGS } from '../src/activities/deps';
import { DEFAULT_LIMITS } from '../src/ratelimit/governor';
import type { Pool } from '../src/warehouse/db';
import { accountSyncWorkflow, backfillWorkflow } from '../src/workflows';
import { type BenchWorkers, startBenchWorkers } from './bench-worker';
import { rateUsage } from './rate-usage';
import { atRealLimits, backfillFloor, duration, GROUPS, type GroupCounts, noRequests, syncFloor } from './scale-cost';
import { scaleTargets } from './scale-targets';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const SPEEDUP = 120;
const SIM_LIMITS = Object.fromEntries(GROUPS.map((g) => [g, { limit: 2 * DEFAULT_LIMITS[g].limit, windowMs: DEFAULT_LIMITS[g].windowMs }]));
const WINDOW_SCALE = 1 / 60;
const INTERVAL = 15 * MINUTE;
const SHARE = DEFAULT_EXTRACTION_SETTINGS.messageBudgetShare / SPEEDUP;
const BUSY_SHARE = 0.05;
/** Modest volumes, so 10,000 extensions fit the section's time: the Light cost is per mailbox, not per message. */
const VOLUME = { callsPerExtensionPerDay: 1, messagesPerExtensionPerDay: 1 };

export type StepName = 'backfill' | 'first sync' | 'quiet sync' | 'busy sync';

export interface StepRow {
  size: number;
  step: StepName;
  requests: GroupCounts;
  refused: number;
  real: { ms: number; group: string };
  floor: { ms: number; group: string };
  wallMs: number;
  /** Sync steps: mailboxes, due quota and what the plan did; backfill: records and utilisation. */
  facts: Record<string, number | string | boolean>;
  /** Backfill: the Light group's share of its limit (bench/rate-usage.ts). */
  lightUtilisation?: number;
}

export async function benchScale(pool: Pool, temporalAddress: string, sizes: number[]): Promise<string[]> {
  const started = performance.now();
  const rows: StepRow[] = [];
  for (const size of sizes) {
    console.error(`  ${size} extensions...`);
    rows.push(...(await measureSize(pool, temporalAddress, size)));
  }
  return [
    `Per account size, the real workflows against the simulator (seed 7, 30 days, ${VOLUME.callsPerExtensionPerDay} call and ${VOLUME.messagesPerExtensionPerDay} message per extension per day, random lifecycle events off), one worker, default settings. ` +
      `Rate windows run ${SPEEDUP}× faster than RingCentral's (1-s windows admitting twice RingCentral's per-minute limits), and the message budget share is divided by ${SPEEDUP}, so each sync plans what it would plan against RingCentral.`,
    '',
    '- **requests**: what the simulator served per rate group in the step (429s in their own column);',
    '- **at real limits**: those requests at RingCentral\'s default limits (Light 50, Medium 40, Heavy 10, Auth 5 per 60 s): requests ÷ limit × window per group, the slowest group (named) since groups run in parallel;',
    '- **floor**: the same for the cheapest plan that does the step\'s job (`bench/scale-cost.ts`): backfill, one message-sync FSync per mailbox (its 1,000 records carry the messages and the token), call log in full 1,000-record pages, extension list in pages of 1,000, one login; ' +
      'sync, one ISync per mailbox due for its daily reconciliation (mailboxes ÷ 96) plus one per mailbox with new messages (as if push named them), extension list and directory in full pages, call-log-sync ISyncs of 250 changes;',
    `- **wall**: measured, with the windows ${SPEEDUP}× faster; **wall ÷ floor** compares it with the floor ÷ ${SPEEDUP}; **wall ÷ own** with the step's own requests at limits ÷ ${SPEEDUP}: 1 when the server's limit set the pace, above 1 when something else did ` +
      `(at ${SPEEDUP}× the Light limit is ${SIM_LIMITS.Light!.limit} requests/s, more than one worker fanning out over 8 mailboxes at a time serves on this shared 2-core machine; "Light requests/s" below says what it reached), so wall ÷ floor mixes the plan's cost with the machine's, and "at real limits" ÷ "floor" is the plan's alone;`,
    '- steps: the 30-day backfill (both streams); the first sync 15 simulated minutes after it; a quiet sync 15 minutes later; a busy sync, planned as a 15-minute sync, after the simulated clock ran on until exactly 5% of the mailboxes had new messages.',
    '',
    '| extensions | step | Light | Medium | Heavy | Auth | 429 | at real limits | floor | wall | wall ÷ floor | wall ÷ own |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(tableRow),
    '',
    ...rows.map(factLine),
    '',
    '### Targets',
    '',
    ...scaleTargets(rows, { speedup: SPEEDUP, share: DEFAULT_EXTRACTION_SETTINGS.messageBudgetShare, intervalMs: INTERVAL }),
    '',
    sectionTime(rows, performance.now() - started),
  ];
}

/** How long the section took, and its longest step (the aim is about 12 minutes on the 2-core reference machine). */
function sectionTime(rows: StepRow[], ms: number): string {
  const longest = rows.reduce((a, b) => (b.wallMs > a.wallMs ? b : a));
  return `The section took ${duration(ms)} of wall time; its longest step, the ${longest.size.toLocaleString('en-US')}-extension ${longest.step}, ${duration(longest.wallMs)}.`;
}

function tableRow(r: StepRow): string {
  const scaled = (ms: number) => ms / SPEEDUP;
  return [
    r.size.toLocaleString('en-US'),
    r.step,
    ...GROUPS.map((g) => String(r.requests[g])),
    String(r.refused),
    `${duration(r.real.ms)} (${r.real.group})`,
    `${duration(r.floor.ms)} (${r.floor.group})`,
    duration(r.wallMs),
    (r.wallMs / scaled(r.floor.ms)).toFixed(2),
    (r.wallMs / scaled(r.real.ms)).toFixed(2),
  ].join(' | ').replace(/^/, '| ').concat(' |');
}

function factLine(r: StepRow): string {
  return `- ${r.size.toLocaleString('en-US')}, ${r.step}: ${Object.entries(r.facts).map(([k, v]) => `${k} ${typeof v === 'number' ? v.toLocaleString('en-US') : v}`).join(', ')}`;
}

function simOptions(size: number): SimulatorOptions {
  // The clock stands still between steps, so a message-store export task would never finish:
  // it completes at once (RingCentral does not document how long one takes; its wait is not in these figures).
  return { seed: 7, extensions: size, days: 30, ...VOLUME, eventsPerDay: 0, clockSpeed: 0, rateLimits: SIM_LIMITS, rateWindowScale: WINDOW_SCALE, requestLogLimit: 500_000, exportTaskMs: 0 };
}

async function measureSize(pool: Pool, temporalAddress: string, size: number): Promise<StepRow[]> {
  const options = simOptions(size);
  const sim = await startSimulator(options);
  const account = `scale-${size}-${Date.now()}`;
  const bench = await startBenchWorkers(pool, temporalAddress, sim, { account, taskQueue: account, count: 1, settings: { messageBudgetShare: SHARE } });
  try {
    const rows: StepRow[] = [];
    const t0 = sim.clock.now();
    const backfillTo = t0 - 10 * MINUTE;
    const backfill = await timed(sim, () =>
      bench.client.workflow.execute(backfillWorkflow, {
        taskQueue: bench.taskQueue,
        workflowId: `${account}-backfill`,
        args: [{ accountId: account, from: new Date(t0 - 30 * DAY).toISOString(), to: new Date(backfillTo).toISOString(), streams: ['call_log', 'messages'] }],
      }),
    );
    const mailboxes = new Set(backfill.log.filter((r) => r.status === 200 && r.route === 'message-sync').map((r) => extensionOf(r.path))).size;
    const callRecords = countCallRecords(sim, t0 - 30 * DAY, backfillTo);
    const floor = backfillFloor({ mailboxes, callRecords, extensions: sim.truth.extensions().length });
    const light = rateUsage(backfill.log, 'Light', SIM_LIMITS.Light!.limit, SIM_LIMITS.Light!.windowMs * WINDOW_SCALE);
    const callLogPages = backfill.log.filter((r) => r.route === 'call-log').length;
    rows.push({ ...row(size, 'backfill', backfill, floor, { 'call records': callRecords, 'call-log pages': callLogPages, 'mailboxes with a store': mailboxes, ...lightRoutes(backfill.log), 'Light share of limit': `${(light.utilisation * 100).toFixed(1)}%`, 'Light requests/s': Math.round(backfill.log.filter((r) => r.group === 'Light').length / (backfill.wallMs / 1000)), 'machine load (1-minute average) at its end': os.loadavg()[0]!.toFixed(1) }), lightUtilisation: light.utilisation });

    let since = backfillTo;
    for (const step of ['first sync', 'quiet sync', 'busy sync'] as const) {
      const before = sim.clock.now();
      const active = step === 'busy sync' ? await advanceUntilActive(sim, options, rows[rows.length - 1]!.facts.mailboxes as number) : (sim.clock.advance(INTERVAL), new Set<number>());
      const run = await timed(sim, () => sync(bench, `${account}-${rows.length}`, account));
      const counts = run.result.counts;
      const read = new Set(run.log.filter((r) => r.route === 'message-sync').map((r) => extensionOf(r.path)));
      const due = dueQuota(counts.mailboxesTotal ?? 0, { intervalMs: INTERVAL, reconcilePeriodMs: DEFAULT_EXTRACTION_SETTINGS.messageReconcileHours * 3_600_000 });
      const changes = sim.truth.callLogChanges({ since: new Date(since), showDeleted: true }).length;
      const f = syncFloor({ due, active: active.size, extensions: sim.truth.extensions().length, directory: sim.truth.directory().length, callLogChanges: changes });
      rows.push(
        row(size, step, run, f, {
          'simulated minutes since the last step': Math.round((sim.clock.now() - before) / MINUTE),
          mailboxes: counts.mailboxesTotal ?? 0,
          'due quota': due,
          'picked due': counts.mailboxesDue ?? 0,
          'Light budget': counts.lightRequestsBudget ?? 0,
          'Light planned': counts.lightRequestsPlanned ?? 0,
          'skipped for budget': counts.mailboxesSkippedForBudget ?? 0,
          'plan warning': (run.result.warnings ?? []).some((w: string) => w.startsWith('message plan')),
          'message FSyncs and store pages': run.log.filter((r) => r.route === 'message-store' || (r.route === 'message-sync' && r.path.includes('syncType=FSync'))).length,
          'call-log changes': changes,
          ...(step === 'busy sync' ? { 'mailboxes with new messages': active.size, 'of them read': [...active].filter((id) => read.has(id)).length } : {}),
        }),
      );
      since = sim.clock.now();
    }
    return rows;
  } finally {
    await bench.stop();
    await sim.close();
  }
}

function sync(bench: BenchWorkers, workflowId: string, accountId: string) {
  return bench.client.workflow.execute(accountSyncWorkflow, { taskQueue: bench.taskQueue, workflowId, args: [{ accountId, scheduleIntervalMs: INTERVAL }] });
}

interface Timed<T> {
  result: T;
  wallMs: number;
  log: readonly RequestLogEntry[];
}

async function timed<T>(sim: Simulator, run: () => Promise<T>): Promise<Timed<T>> {
  sim.resetStats();
  const start = performance.now();
  const result = await run();
  return { result, wallMs: performance.now() - start, log: sim.requestLog() };
}

function row(size: number, step: StepName, run: Timed<unknown>, floor: GroupCounts, facts: StepRow['facts']): StepRow {
  const requests = noRequests();
  // NoThrottling requests (GET /restapi clock reads) spend no budget, so they cost no time here.
  for (const r of run.log) if (r.group && r.group !== 'NoThrottling') requests[r.group] += 1;
  return { size, step, requests, refused: run.log.filter((r) => r.status === 429).length, real: atRealLimits(requests), floor: atRealLimits(floor), wallMs: run.wallMs, facts };
}

/** Light requests per route ("message-sync requests 445, message-store requests 890"): where the backfill's Light budget goes. */
function lightRoutes(log: readonly RequestLogEntry[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of log) if (r.group === 'Light') out[`${r.route} requests`] = (out[`${r.route} requests`] ?? 0) + 1;
  return out;
}

const extensionOf = (path: string): number => Number(/\/extension\/(\d+)\//.exec(path)?.[1]);

/** Call records the backfill's range holds (deleted ones too, as it asks), counted a day at a time to keep memory flat. */
function countCallRecords(sim: Simulator, from: number, to: number): number {
  let n = 0;
  for (let t = from; t < to; t += DAY) n += sim.truth.callLog({ from: new Date(t), to: new Date(Math.min(to, t + DAY)), showDeleted: true }).length;
  return n;
}

/**
 * Moves the clock on until exactly ceil(5% of `mailboxes`) mailboxes hold messages created
 * since now; returns their ids. The simulator draws messages uniformly over the day, so the
 * moment is found on a twin (same seed and options, so the same messages) whose clock runs
 * ahead: the simulator's own clock never goes back.
 */
async function advanceUntilActive(sim: Simulator, options: SimulatorOptions, mailboxes: number): Promise<Set<number>> {
  const from = sim.clock.now();
  const horizon = DAY;
  const twin = await startSimulator({ ...options, port: 0 });
  const firsts: Array<{ id: number; at: number }> = [];
  try {
    twin.clock.set(from + horizon);
    for (const e of twin.truth.extensions()) {
      const created = twin.truth.messages(Number(e.id), { from: from + 1, to: from + horizon, availability: ['Alive', 'Deleted', 'Purged'] }).map((m) => Date.parse(String(m.creationTime)));
      if (created.length) firsts.push({ id: Number(e.id), at: Math.min(...created) });
    }
  } finally {
    await twin.close();
  }
  firsts.sort((a, b) => a.at - b.at);
  const wanted = Math.ceil(BUSY_SHARE * mailboxes);
  const last = firsts[wanted - 1];
  if (!last) throw new Error(`fewer than ${wanted} mailboxes get messages within a day`);
  sim.clock.set(last.at);
  return new Set(firsts.filter((f) => f.at <= last.at).map((f) => f.id));
}
