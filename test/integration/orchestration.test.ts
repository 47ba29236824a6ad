/**
 * The workflows users run: scheduled, manual and backfill runs of one account side by side,
 * continue-as-new on long backfills, and cancel-then-resume.
 */
import { describe, expect, it, vi } from 'vitest';
import { run } from '../../src/client/main';
import { scheduleIdFor } from '../../src/client/commands/schedule';
import { backfillWorkflow } from '../../src/workflows';
import { recordHistory } from '../support/histories';
import { ACCOUNT, expectCallLogEqualsTruth as expectRecordsEqualTruth, stackEnv, useSyncStack } from '../support/sync-harness';

const HOUR = 3_600_000;

describe('orchestration', () => {
  const stack = useSyncStack({ seed: 44, extensions: 8, days: 20, callsPerExtensionPerDay: 6, messagesPerExtensionPerDay: 2 }, { maxPageSize: 20 });

  const expectCallLogEqualsTruth = (from: string, to: string) => expectRecordsEqualTruth(stack, from, to);


  async function cli(argv: string[]): Promise<{ code: number; out: string[] }> {
    const out: string[] = [];
    const saved = { ...process.env };
    Object.assign(process.env, stackEnv(stack));
    const log = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
    try {
      return { code: await run(argv), out };
    } finally {
      log.mockRestore();
      process.env = saved;
    }
  }

  it('a scheduled sync, a backfill and a manual sync of one account close together: one sync at a time, warehouse = truth', async () => {
    expect((await cli(['schedule', 'create', '--account', ACCOUNT, '--every', '1h', '--jitter', '1s'])).code).toBe(0);
    // Its syncs know their interval, so their message stores spend a share of that interval's Light budget.
    const action = (await stack.client.schedule.getHandle(scheduleIdFor(ACCOUNT)).describe()).action;
    expect(action.type === 'startWorkflow' && action.args).toEqual([{ accountId: ACCOUNT, scheduleIntervalMs: 3_600_000 }]);
    const now = stack.sim.clock.now();
    const backfill = stack.client.workflow.execute(backfillWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `backfill-close-${stack.taskQueue}`,
      args: [{ accountId: ACCOUNT, from: new Date(now - 3 * 24 * HOUR).toISOString(), to: new Date(now - HOUR).toISOString(), streams: ['call_log', 'messages'] }],
    });
    expect((await cli(['schedule', 'trigger', '--account', ACCOUNT])).code).toBe(0);
    const manual = await cli(['sync', '--account', ACCOUNT, '--json']);
    expect(manual.code).toBe(0);
    const manualId = JSON.parse(manual.out[0]).workflowId as string;
    await backfill;
    const manualResult = await stack.client.workflow.getHandle(manualId).result();

    // The scheduled run: the schedule's most recent action.
    let scheduledId: string | undefined;
    for (let i = 0; i < 50 && !scheduledId; i++) {
      const d = await stack.client.schedule.getHandle(scheduleIdFor(ACCOUNT)).describe();
      scheduledId = d.info.recentActions[0]?.action.workflow.workflowId;
      if (!scheduledId) await new Promise((r) => setTimeout(r, 200));
    }
    const scheduledResult = await stack.client.workflow.getHandle(scheduledId!).result();
    await stack.client.schedule.getHandle(scheduleIdFor(ACCOUNT)).delete();

    // One sync at a time: either one was skipped, or their run intervals do not overlap.
    const { rows: syncs } = await stack.db.pool.query(`SELECT status, started_at, finished_at FROM ringcentral.sync_run WHERE kind = 'sync' ORDER BY started_at`);
    for (let i = 1; i < syncs.length; i++) expect(syncs[i].started_at >= syncs[i - 1].finished_at).toBe(true);
    expect([manualResult.phase, scheduledResult.phase].filter((p) => p === 'done').length).toBeGreaterThanOrEqual(1);
    if (manualResult.phase === 'skipped') expect(manualResult.heldBy).toMatch(/^sync-acme/);

    const { rows } = await stack.db.pool.query(`SELECT watermarks FROM ringcentral.sync_run WHERE kind = 'sync' AND status = 'succeeded' ORDER BY finished_at DESC LIMIT 1`);
    await expectCallLogEqualsTruth(new Date(now - 3 * 24 * HOUR).toISOString(), rows[0].watermarks.callLog);
    const done = manualResult.phase === 'done' ? manualId : scheduledId!;
    await recordHistory(stack.client, done, 'account-sync');
    await recordHistory(stack.client, `${done}/messages`, 'message-fan-out-sync');
    await recordHistory(stack.client, `backfill-close-${stack.taskQueue}`, 'backfill');
  });

  it('manages the schedule through the CLI: describe, pause, unpause, list, delete', async () => {
    expect((await cli(['schedule', 'create', '--account', ACCOUNT, '--cron', '0 * * * *'])).code).toBe(0);
    expect((await cli(['schedule', 'create', '--account', ACCOUNT, '--every', '1h'])).code).toBe(1); // exists already
    const described = JSON.parse((await cli(['schedule', 'describe', '--account', ACCOUNT, '--json'])).out[0]);
    expect(described).toMatchObject({ scheduleId: scheduleIdFor(ACCOUNT), paused: false });
    expect(described.nextActionTimes.length).toBeGreaterThan(0);
    expect((await cli(['schedule', 'pause', '--account', ACCOUNT])).code).toBe(0);
    expect(JSON.parse((await cli(['schedule', 'describe', '--account', ACCOUNT, '--json'])).out[0]).paused).toBe(true);
    expect((await cli(['schedule', 'unpause', '--account', ACCOUNT])).code).toBe(0);
    // Schedule listings come from visibility, which is eventually consistent: poll briefly.
    let listed: Array<{ scheduleId: string; paused: boolean }> = [];
    for (let i = 0; i < 40 && !listed.some((s) => s.scheduleId === scheduleIdFor(ACCOUNT) && !s.paused); i++) {
      listed = JSON.parse((await cli(['schedule', 'list', '--json'])).out[0]);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(listed).toContainEqual({ scheduleId: scheduleIdFor(ACCOUNT), paused: false });
    expect((await cli(['schedule', 'delete', '--account', ACCOUNT])).code).toBe(0);
    expect((await cli(['schedule', 'describe', '--account', ACCOUNT])).code).toBe(1);
  });

  it('a long backfill continues as new, keeps every run under the event limit, and completes from carried state', async () => {
    const now = stack.sim.clock.now();
    const from = new Date(now - 19 * 24 * HOUR).toISOString();
    const to = new Date(now - 24 * HOUR).toISOString();
    const workflowId = `long-backfill-${stack.taskQueue}`;
    const result = await stack.client.workflow.execute(backfillWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId,
      args: [{ accountId: ACCOUNT, from, to, streams: ['call_log'], windowMs: 4 * HOUR, maxHistoryEvents: 100 }],
    });
    expect(result.callLog!.windows).toBe(108);
    expect(result.callLog!.nextIndex).toBe(108);
    const runs = [];
    for await (const wf of stack.client.workflow.list({ query: `WorkflowId = '${workflowId}/call-log'` })) runs.push(wf);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    for (const r of runs) expect(r.historyLength).toBeLessThan(160);
    await expectCallLogEqualsTruth(from, to);
    const continued = runs.find((r) => r.status.name === 'CONTINUED_AS_NEW')!;
    await recordHistory(stack.client, `${workflowId}/call-log`, 'call-log-backfill-continued', continued.runId);
  });

  it('cancelling a backfill and starting it again completes with nothing lost or duplicated', async () => {
    const now = stack.sim.clock.now();
    const from = new Date(now - 6 * 24 * HOUR).toISOString();
    const to = new Date(now - 3 * 24 * HOUR).toISOString();
    await stack.db.pool.query('DELETE FROM ringcentral.call_log_record WHERE start_time >= $1 AND start_time < $2', [from, to]);
    stack.sim.faults.add({ kind: 'slow', delayMs: 150, probability: 1, match: { path: /call-log/ } });
    stack.sim.resetStats();
    const args: [Parameters<typeof backfillWorkflow>[0]] = [{ accountId: ACCOUNT, from, to, streams: ['call_log'], windowMs: 2 * HOUR }];
    const first = await stack.client.workflow.start(backfillWorkflow, { taskQueue: stack.taskQueue, workflowId: `cancel-${stack.taskQueue}`, args });
    while (stack.sim.requestLog().filter((r) => r.path.includes('call-log')).length < 6) await new Promise((r) => setTimeout(r, 50));
    await first.cancel();
    await expect(first.result()).rejects.toThrow();
    const { rows: status } = await stack.db.pool.query(`SELECT status FROM ringcentral.sync_run WHERE run_id LIKE $1`, [`cancel-${stack.taskQueue}/%`]);
    expect(status[0].status).toBe('cancelled');
    stack.sim.faults.clear();
    await stack.client.workflow.execute(backfillWorkflow, { taskQueue: stack.taskQueue, workflowId: `cancel-${stack.taskQueue}`, args });
    await expectCallLogEqualsTruth(from, to);
    const fetches = new Map<string, number>();
    for (const r of stack.sim.requestLog()) if (r.path.includes('/call-log') && r.status === 200) fetches.set(r.path, (fetches.get(r.path) ?? 0) + 1);
    expect([...fetches.values()].filter((n) => n > 1).length).toBeLessThanOrEqual(1);
  });
});
