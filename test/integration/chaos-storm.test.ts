/**
 * Chaos: three worker processes share one account's sync while the API throws a 429/503/reset
 * storm and every session's token is revoked mid-run. The run completes, the warehouse equals
 * the simulator's ground truth, and no page is fetched twice beyond one per interruption.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountSyncWorkflow } from '../../src/workflows';
import { ACCOUNT, expectCallLogEqualsTruth, stackEnv, useSyncStack } from '../support/sync-harness';
import { spawnWorkerProcess, type WorkerProcess } from '../support/worker-process';

const DAY = 86_400_000;

describe('chaos: storm and revoked tokens during a sync, three workers', () => {
  const stack = useSyncStack({ seed: 71, extensions: 16, days: 2, callsPerExtensionPerDay: 30, messagesPerExtensionPerDay: 2 }, undefined, 0);
  const workers: WorkerProcess[] = [];
  beforeAll(() => {
    for (let i = 0; i < 3; i++) workers.push(spawnWorkerProcess({ ...stackEnv(stack), RCSYNC_MAX_PAGE_SIZE: '10' }));
  });
  afterAll(() => workers.forEach((w) => w.kill()));

  it('completes exactly; re-fetched pages are bounded by the interruptions', async () => {
    stack.sim.resetStats();
    for (const kind of ['429-burst', '503', 'reset'] as const) {
      stack.sim.faults.add({ kind, probability: 0.05, retryAfterSec: 1, match: { path: /call-log|message-store|message-sync|extension|directory/ } });
    }
    const handle = await stack.client.workflow.start(accountSyncWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `storm-${stack.taskQueue}`,
      args: [{ accountId: ACCOUNT, initialLookbackMs: 2 * DAY, windowMs: DAY / 2, messageConcurrency: 6 }],
    });
    // Mid-run: once the extraction is under way, every live session is revoked at once
    // (as when an admin revokes the app's sessions); each worker must log in again.
    const deadline = Date.now() + 60_000;
    while (stack.sim.requestLog().filter((r) => r.status === 200 && /call-log/.test(r.path)).length < 5 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const issuedBefore = stack.sim.auth.tokensIssued();
    stack.sim.auth.revokeAll();

    const result = await handle.result();
    stack.sim.faults.clear();
    expect(result.phase, workers.map((w) => w.tail()).join('\n')).toBe('done');

    const log = stack.sim.requestLog();
    expect(log.filter((r) => r.status === 401).length).toBeGreaterThanOrEqual(1);
    expect(stack.sim.auth.tokensIssued()).toBeGreaterThan(issuedBefore);
    expect(new Set(log.filter((r) => r.fault).map((r) => r.fault)).size).toBeGreaterThanOrEqual(2);

    // Exactly the truth: the call log up to the run's watermark, and the current dimension.
    const { rows } = await stack.db.pool.query(`SELECT watermarks FROM ringcentral.sync_run WHERE kind = 'sync' AND status = 'succeeded'`);
    expect(rows).toHaveLength(1);
    const now = stack.sim.clock.now();
    await expectCallLogEqualsTruth(stack, now - 2 * DAY, rows[0].watermarks.callLog);
    const { rows: current } = await stack.db.pool.query<{ extension_id: string }>(
      `SELECT extension_id::text FROM ringcentral.dim_extension WHERE account_id = $1 AND is_current ORDER BY 1`,
      [ACCOUNT],
    );
    expect(current.map((r) => r.extension_id)).toEqual(stack.sim.truth.extensions().map((e) => String(e.id)).sort());

    // A page answered 200 twice was fetched again after an interruption; one each at most.
    const interruptions = log.filter((r) => r.fault || r.status === 401 || r.status === 429 || r.status >= 500).length;
    const answered = new Map<string, number>();
    for (const r of log) if (r.status === 200 && /call-log|message-store/.test(r.path)) answered.set(r.path, (answered.get(r.path) ?? 0) + 1);
    const refetched = [...answered.values()].reduce((sum, n) => sum + n - 1, 0);
    expect(refetched).toBeLessThanOrEqual(interruptions);
  }, 240_000);
});
