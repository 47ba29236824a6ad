/**
 * A worker process killed with SIGKILL in the middle of a stream: a new worker finishes it
 * from the checkpoint, re-fetching at most the page that was in flight.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { backfillWorkflow } from '../../src/workflows';
import { ACCOUNT, expectCallLogEqualsTruth, stackEnv, useSyncStack } from '../support/sync-harness';
import { spawnWorkerProcess, type WorkerProcess } from '../support/worker-process';

const HOUR = 3_600_000;

describe('crash recovery', () => {
  const stack = useSyncStack({ seed: 33, extensions: 10, days: 1, callsPerExtensionPerDay: 60 }, undefined, 0);
  const workers: WorkerProcess[] = [];
  afterAll(() => {
    for (const w of workers) w.kill();
  });

  it('SIGKILL mid-stream, restart: the stream finishes and at most one page is fetched twice', async () => {
    const env = { ...stackEnv(stack), RCSYNC_MAX_PAGE_SIZE: '5' };
    // Slow pages, so the kill lands mid-stream.
    stack.sim.faults.add({ kind: 'slow', delayMs: 250, probability: 1, match: { path: /call-log/ } });
    const first = spawnWorkerProcess(env);
    workers.push(first);
    const now = stack.sim.clock.now();
    const from = new Date(now - 24 * HOUR).toISOString();
    const to = new Date(now - 10 * 60_000).toISOString();
    const handle = await stack.client.workflow.start(backfillWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `crash-${stack.taskQueue}`,
      args: [{ accountKey: ACCOUNT, from, to, streams: ['call_log'], windowMs: 24 * HOUR }],
    });
    const callLogPages = () => stack.sim.requestLog().filter((r) => r.path.includes('/call-log') && r.status === 200).length;
    const deadline = Date.now() + 90_000;
    while (callLogPages() < 8 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(callLogPages()).toBeGreaterThanOrEqual(8);
    first.kill('SIGKILL');
    const pagesAtKill = callLogPages();

    workers.push(spawnWorkerProcess(env));
    await handle.result();
    stack.sim.faults.clear();

    await expectCallLogEqualsTruth(stack, from, to);
    expect(callLogPages()).toBeGreaterThan(pagesAtKill);

    const fetches = new Map<string, number>();
    for (const r of stack.sim.requestLog()) if (r.path.includes('/call-log') && r.status === 200) fetches.set(r.path, (fetches.get(r.path) ?? 0) + 1);
    const refetched = [...fetches.values()].filter((n) => n > 1);
    expect(refetched.length).toBeLessThanOrEqual(1);
    expect(Math.max(...fetches.values())).toBeLessThanOrEqual(2);
  });
});
