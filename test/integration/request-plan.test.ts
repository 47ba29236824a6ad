/**
 * Issue 11, item 1 on the real stack: `rcsync sync --plan` / `backfill --plan` print the request
 * plan from the warehouse alone (no workflow, no request, not even Temporal), the run then sends
 * what the plan said (exact where the warehouse knows: the lists' pages, ISync with a token; the
 * message stores within the stated tolerance), every run counts exactly the requests the
 * simulator received from it, and `rcsync status` shows plan against actual.
 */
import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { run } from '../../src/client/main';
import type { RunPlan } from '../../src/activities/request-plan';
import { isyncRequests, pagesFor, PLAN_GROUPS } from '../../src/plan/request-plan';
import { accountSyncWorkflow, backfillWorkflow } from '../../src/workflows';
import { ACCOUNT, expectCallLogEqualsTruth, useSyncStack } from '../support/sync-harness';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const PAGE = 25; // the harness's page cap, told to the CLI through RCSYNC_MAX_PAGE_SIZE
const iso = (ms: number) => new Date(ms).toISOString();

describe('request plan against actual', () => {
  // The account's present lies two hours back, so the CLI's range checks (against the wall clock) accept its history.
  const now = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR;
  const stack = useSyncStack({ seed: 23, now, extensions: 30, days: 2, messagesPerExtensionPerDay: 2, callsPerExtensionPerDay: 6, eventsPerDay: 0 }, { maxPageSize: PAGE });
  const saved = { ...process.env };
  let out: string[];
  let t0 = 0;

  beforeEach(() => {
    out = [];
    vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
    process.env = {
      ...saved,
      DATABASE_URL: stack.db.url,
      RC_ACCOUNT_KEY: ACCOUNT,
      RC_SERVER_URL: stack.sim.url,
      RC_CLIENT_ID: stack.sim.credentials.clientId,
      RC_CLIENT_SECRET: stack.sim.credentials.clientSecret,
      RC_JWT: stack.sim.credentials.jwt,
      RCSYNC_MAX_PAGE_SIZE: String(PAGE),
      // --plan must not need Temporal at all: an address nobody answers proves it is not asked.
      TEMPORAL_ADDRESS: '127.0.0.1:1',
    };
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.env = { ...saved };
  });

  /** Requests the simulator received since the last reset, per rate group. */
  const received = () => {
    const by: Record<string, number> = {};
    for (const r of stack.sim.requestLog()) if (r.group) by[r.group] = (by[r.group] ?? 0) + 1;
    return by;
  };
  const cliPlan = async (args: string[]): Promise<RunPlan> => {
    const code = await run([...args, '--plan', '--json']);
    expect(code ?? 0).toBe(0);
    return JSON.parse(out.at(-1)!) as RunPlan;
  };
  const workflowsOnQueue = async () => {
    let n = 0;
    for await (const _ of stack.client.workflow.list({ query: `TaskQueue = '${stack.taskQueue}'` })) n++;
    return n;
  };
  const sync = (name: string) =>
    stack.client.workflow.execute(accountSyncWorkflow, { taskQueue: stack.taskQueue, workflowId: `${name}-${stack.taskQueue}`, args: [{ accountId: ACCOUNT }] });

  it('a sync after a sync: --plan sends nothing and starts nothing, and the sync then sends what it planned', async () => {
    t0 = stack.sim.clock.now();
    await stack.client.workflow.execute(backfillWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `rp-backfill-${stack.taskQueue}`,
      args: [{ accountId: ACCOUNT, from: iso(t0 - 24 * HOUR), to: iso(t0), streams: ['call_log', 'messages'] }],
    });
    stack.sim.clock.advance(15 * MINUTE);
    await sync('rp-first');
    stack.sim.clock.advance(15 * MINUTE);

    stack.sim.resetStats();
    const runsBefore = await workflowsOnQueue();
    const plan = await cliPlan(['sync']);
    out = [];
    expect((await run(['sync', '--plan'])) ?? 0).toBe(0);
    expect(out.join('\n')).toMatch(
      new RegExp(`^Request plan for the sync of account ${ACCOUNT} \\(nothing started, nothing sent\\):\n  requests: Light ${plan.requests.Light} \\(~\\d+ s\\) · Medium ${plan.requests.Medium} .*\n  predicted duration: ~\\d+ s .*\n  - Medium `),
    );
    expect(stack.sim.requestLog()).toEqual([]); // no request, not even a login
    expect(await workflowsOnQueue()).toBe(runsBefore);
    expect(plan.callLogVia).toBe('ISync');
    expect(plan.steps.some((s) => s.startsWith('Heavy 1') && s.includes('ISync'))).toBe(true);
    const { rows: snaps } = await stack.db.pool.query(
      `SELECT DISTINCT ON (stream) stream, records FROM ringcentral.snapshot WHERE account_id = $1 AND completed_at IS NOT NULL ORDER BY stream, captured_at DESC`,
      [ACCOUNT],
    );
    const records = Object.fromEntries(snaps.map((r) => [r.stream, r.records as number]));
    expect(plan.requests.Medium).toBe(pagesFor(records.extensions!, PAGE) + pagesFor(records.directory!, PAGE));

    stack.sim.resetStats();
    const result = await sync('rp-planned');
    const got = received();
    // Actual: exactly what the simulator received from this run, per group.
    const actual = result.requests!.actual!;
    for (const g of PLAN_GROUPS) expect(actual[g] ?? 0, g).toBe(got[g] ?? 0);
    // Plan against the simulator: exact for the lists (unchanged account) and the ISync (a quarter hour of calls < 250 changes).
    expect(got.Medium).toBe(plan.requests.Medium);
    expect(got.Heavy).toBe(plan.requests.Heavy);
    // Message stores: a mailbox without a token is priced at two requests (FSync and a page); one
    // without a message store answers the first with 403, so the plan may exceed by one per such mailbox.
    const noStore = (result.counts.messageStoresMissing ?? 0) + (result.counts.messageStoresRefused ?? 0);
    expect(got.Light).toBeLessThanOrEqual(plan.requests.Light);
    expect(plan.requests.Light - got.Light!).toBeLessThanOrEqual(noStore);
    // The run carries the plan it made (the same as the CLI printed, nothing having changed) and its actual in its counts.
    expect(result.requests!.plan.requests).toEqual(plan.requests);
    expect(result.counts).toMatchObject({ requestsPlannedMedium: plan.requests.Medium, requestsPlannedHeavy: plan.requests.Heavy });
    const { rows } = await stack.db.pool.query(`SELECT plan, counts FROM ringcentral.sync_run WHERE run_id LIKE $1`, [`rp-planned-%`]);
    expect(rows[0].plan.requests).toEqual(plan.requests);
    expect(rows[0].counts).toMatchObject({ requestsSentMedium: got.Medium, requestsSentHeavy: got.Heavy, requestsSentLight: got.Light });

    // The Temporal UI's current details of the run: plan against actual.
    const meta = await stack.client.workflow.getHandle(`rp-planned-${stack.taskQueue}`).query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(meta.currentDetails).toContain(`requests plan: Light ${plan.requests.Light} `);
    expect(meta.currentDetails).toContain(`· actual: Light ${got.Light} · Medium ${got.Medium} · Heavy ${got.Heavy}`);

    // status: the latest run's plan and actual.
    process.env.TEMPORAL_ADDRESS = inject('temporalAddress');
    process.env.TEMPORAL_TASK_QUEUE = stack.taskQueue;
    out = [];
    expect((await run(['status'])) ?? 0).toBe(0);
    const line = out.join('\n').split('\n').find((l) => l.startsWith('latest run'));
    expect(line).toContain(`rp-planned-${stack.taskQueue}`);
    expect(line).toMatch(new RegExp(`plan: Light ${plan.requests.Light} \\(~\\d+ s\\) · Medium ${plan.requests.Medium} .* · actual: Light ${got.Light} · Medium ${got.Medium} · Heavy ${got.Heavy}(?: · Auth \\d+)?, \\d+ (s|min) in all$`));
  });

  it('backfill --plan counts a range the warehouse holds, names the other window choice, and the backfill sends what it planned', async () => {
    const range = { from: iso(t0 - 20 * HOUR), to: iso(t0 - 8 * HOUR) };
    stack.sim.resetStats();
    const plan = await cliPlan(['backfill', '--from', range.from, '--to', range.to, '--streams', 'call_log', '--window', '4h']);
    expect(stack.sim.requestLog()).toEqual([]);
    const { rows } = await stack.db.pool.query(`SELECT count(*)::int AS n FROM ringcentral.call_log_record WHERE account_id = $1 AND start_time >= $2 AND start_time < $3`, [
      ACCOUNT,
      range.from,
      range.to,
    ]);
    expect(rows[0].n).toBeGreaterThan(PAGE); // several pages, so the window choice matters
    expect(plan.steps[0]).toMatch(/counted in the warehouse\) in 3 window\(s\) \(as asked with --window; one window would cost \d+\)/);

    const result = await stack.client.workflow.execute(backfillWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `rp-backfill-windows-${stack.taskQueue}`,
      args: [{ accountId: ACCOUNT, ...range, streams: ['call_log'], windowMs: 4 * HOUR }],
    });
    const got = received();
    for (const g of PLAN_GROUPS) expect(result.requests!.actual![g] ?? 0, g).toBe(got[g] ?? 0);
    // The range's records are stored and unchanged: the pages are exactly the plan's.
    expect(got.Heavy).toBe(plan.requests.Heavy);
    expect(result.requests!.plan.requests).toEqual(plan.requests);
  });

  it('bad input with --plan is still one line and exit 2, before anything starts', async () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...a) => void errors.push(a.join(' ')));
    expect(await run(['sync', '--plan', '--wait'])).toBe(2);
    expect(errors).toEqual([expect.stringMatching(/--plan and --wait exclude each other/)]);
  });
});

describe('the planner chooses the cheaper call-log path on the real stack', () => {
  // No page cap: pages of 1,000 records against ISync responses of 250 are what the choice weighs.
  const stack = useSyncStack({ seed: 24, extensions: 20, days: 10, callsPerExtensionPerDay: 40, messagesPerExtensionPerDay: 0, eventsPerDay: 0 }, {});
  const heavy = () => stack.sim.requestLog().filter((r) => r.group === 'Heavy' && r.status === 200);
  const sync = (name: string) =>
    stack.client.workflow.execute(accountSyncWorkflow, { taskQueue: stack.taskQueue, workflowId: `${name}-${stack.taskQueue}`, args: [{ accountId: ACCOUNT }] });

  it('after three days without a sync, an FSync and its frame cost fewer requests than ISync of the changes: the sync takes them', async () => {
    const first = await sync('rp-token'); // the first sync: an FSync for the token, its day paged
    // Three days pass, by the account's clock and by the database's (the last sync started three days ago).
    stack.sim.clock.advance(3 * DAY);
    await stack.db.pool.query(`UPDATE ringcentral.sync_run SET started_at = started_at - interval '3 days' WHERE run_id LIKE 'rp-token-%'`);

    stack.sim.resetStats();
    const result = await sync('rp-long-pause');
    const plan = result.requests!.plan as RunPlan;
    expect(plan.callLogVia).toBe('FSync');
    expect(plan.steps.find((s) => s.startsWith('Heavy'))).toMatch(/call log: FSync and its frame of ~\d+ records, cheaper than ISync of ~\d+ changes \(\d+ requests\)/);
    const log = heavy();
    // What ISync would have cost at least: the calls that started since the token's sync alone (recordings and deletions come on top).
    const started = stack.sim.truth.callLog({ from: first.window!.to, to: stack.sim.clock.now() - 5 * MINUTE, showDeleted: true }).length;
    const isyncCost = isyncRequests(started);
    // The token was set aside: one FSync, the frame paged by the call log, no ISync.
    expect(log.filter((r) => r.path.includes('syncType=ISync'))).toEqual([]);
    expect(log.filter((r) => r.path.includes('syncType=FSync'))).toHaveLength(1);
    expect(log.length).toBeLessThan(isyncCost);
    // The frame's records are estimates (the call rate of the one stored day; calls follow office hours): the pages may differ by one.
    expect(Math.abs(log.length - plan.requests.Heavy)).toBeLessThanOrEqual(1);
    expect(result.requests!.actual!.Heavy).toBe(stack.sim.requestLog().filter((r) => r.group === 'Heavy').length);
    await expectCallLogEqualsTruth(stack, result.window!.from, result.window!.to, 'records');
  });
});
