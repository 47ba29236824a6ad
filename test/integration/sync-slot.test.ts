/**
 * One sync per account: the slot is held while the holder's workflow is open, and released
 * at once when Temporal says the holder's run is closed without having recorded its end.
 */
import { describe, expect, it } from 'vitest';
import { runActivities } from '../../src/activities/runs';
import { accountSyncWorkflow } from '../../src/workflows';
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
});
