/**
 * One sync per account: the slot is held while the holder's workflow is open, and released
 * at once when Temporal says the holder's run is closed without having recorded its end.
 */
import { describe, expect, it } from 'vitest';
import { runActivities } from '../../src/activities/runs';
import { microSyncWorkflowId } from '../../src/push/run-ids';
import { markMailboxesDirty } from '../../src/warehouse/mailbox-state';
import { accountSyncWorkflow } from '../../src/workflows';
import { syncProgress } from '../../src/workflows/account-sync';
import { ACCOUNT, useSyncStack } from '../support/sync-harness';

describe('the account sync slot', () => {
  const stack = useSyncStack({ seed: 5, extensions: 6, days: 1 });

  const runRow = async (runId: string) =>
    (await stack.db.pool.query<{ status: string; error: string | null }>('SELECT status, error FROM ringcentral.sync_run WHERE run_id = $1', [runId])).rows[0];

  it('a sync whose workflow was terminated is taken over at once; an open one is not', async () => {
    // The holder gets stuck on its extension list (503 with a long Retry-After), holding the slot.
    stack.sim.faults.add({ kind: '503', times: 1_000, retryAfterSec: 30, match: { path: /\/account\/~\/extension\?/ } });
    const holder = await stack.client.workflow.start(accountSyncWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `slot-holder-${stack.taskQueue}`,
      args: [{ accountId: ACCOUNT }],
    });
    const holderRunId = `${holder.workflowId}/${holder.firstExecutionRunId}`;
    for (let i = 0; !(await runRow(holderRunId)) && i < 300; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await runRow(holderRunId))?.status).toBe('running');

    // While the holder's workflow is open, another sync stands aside and names it.
    const second = await stack.client.workflow.execute(accountSyncWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `slot-second-${stack.taskQueue}`,
      args: [{ accountId: ACCOUNT }],
    });
    expect(second).toMatchObject({ phase: 'skipped', heldBy: holderRunId });
    // Temporal's word wins over the no-progress rule: an open holder is never taken over.
    const impatient = runActivities({ pool: stack.db.pool, temporal: stack.client }, { staleRunMs: 0 });
    expect(await impatient.beginSyncRun({ runId: `probe/${stack.taskQueue}`, accountId: ACCOUNT, kind: 'sync' })).toMatchObject({ started: false, heldBy: holderRunId });

    // Terminated: the holder never records its end, yet the next sync runs right away.
    await holder.terminate('test: a sync killed without saying so');
    stack.sim.faults.clear();
    const started = Date.now();
    const third = await stack.client.workflow.execute(accountSyncWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `slot-third-${stack.taskQueue}`,
      args: [{ accountId: ACCOUNT }],
    });
    expect(third.phase).toBe('done');
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(await runRow(holderRunId)).toEqual({ status: 'failed', error: 'abandoned: its workflow is terminated' });
  });

  it('a scheduled sync waits out a push micro-sync holding the slot instead of standing aside', async () => {
    stack.sim.clock.advance(60_000); // (snapshots merge in capture order)
    await stack.client.workflow.execute(accountSyncWorkflow, { taskQueue: stack.taskQueue, workflowId: `slot-base-${stack.taskQueue}`, args: [{ accountId: ACCOUNT }] });
    // The micro-sync gets stuck on its one dirty mailbox (503 with a long Retry-After), holding the slot.
    const [mailbox] = (await stack.db.pool.query<{ extension_id: string }>(`SELECT extension_id FROM ringcentral.extension_snapshot LIMIT 1`)).rows;
    await markMailboxesDirty(stack.db.pool, ACCOUNT, [Number(mailbox!.extension_id)]);
    const stuck = stack.sim.faults.add({ kind: '503', times: 1_000, retryAfterSec: 30, match: { path: /\/message-sync/ } });
    const micro = await stack.client.workflow.start(accountSyncWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: microSyncWorkflowId(`push-${stack.taskQueue}`, 'first', 1),
      args: [{ accountId: ACCOUNT, micro: true, scheduleIntervalMs: 30_000 }],
    });
    const microRunId = `${micro.workflowId}/${micro.firstExecutionRunId}`;
    for (let i = 0; (await runRow(microRunId))?.status !== 'running' && i < 300; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await runRow(microRunId))?.status).toBe('running');

    stack.sim.clock.advance(60_000);
    const scheduled = await stack.client.workflow.start(accountSyncWorkflow, { taskQueue: stack.taskQueue, workflowId: `slot-scheduled-${stack.taskQueue}`, args: [{ accountId: ACCOUNT }] });
    await new Promise((r) => setTimeout(r, 5_000));
    expect(await scheduled.query(syncProgress)).toMatchObject({ phase: 'starting' }); // waiting, not skipped
    stack.sim.faults.remove(stuck);
    expect((await micro.result()).phase).toBe('done');
    expect((await scheduled.result()).phase).toBe('done');
  });
});
