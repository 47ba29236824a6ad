/**
 * A worker process killed with SIGKILL in the middle of a stream: a new worker finishes it
 * from the checkpoint, re-fetching at most the page that was in flight.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { accountSyncWorkflow, backfillWorkflow } from '../../src/workflows';
import { ACCOUNT, expectCallLogEqualsTruth, stackEnv, useSyncStack } from '../support/sync-harness';
import { spawnWorkerProcess, type WorkerProcess } from '../support/worker-process';

const HOUR = 3_600_000;

/** How often each request path (query included) was answered 200, for those fetched more than once. */
function refetched(paths: string[]): number[] {
  const fetches = new Map<string, number>();
  for (const p of paths) fetches.set(p, (fetches.get(p) ?? 0) + 1);
  return [...fetches.values()].filter((n) => n > 1);
}

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
      args: [{ accountId: ACCOUNT, from, to, streams: ['call_log'], windowMs: 24 * HOUR }],
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

    const twice = refetched(stack.sim.requestLog().filter((r) => r.path.includes('/call-log') && r.status === 200).map((r) => r.path));
    expect(twice.length).toBeLessThanOrEqual(1);
    expect(Math.max(0, ...twice)).toBeLessThanOrEqual(2);
  });

  it('SIGKILL mid-ISync, restart: call-log-sync resumes from the committed token, at most one response fetched twice', { timeout: 240_000 }, async () => {
    // Only this test's workers poll the queue: the previous test's surviving worker would share the work.
    for (const w of workers.splice(0)) w.kill();
    const env = stackEnv(stack);
    const first = spawnWorkerProcess(env);
    workers.push(first);
    const syncNow = (name: string) =>
      stack.client.workflow.start(accountSyncWorkflow, { taskQueue: stack.taskQueue, workflowId: `${name}-${stack.taskQueue}`, args: [{ accountId: ACCOUNT }] });
    const firstSync = await (await syncNow('crash-fsync')).result();
    // Three days of changes: several ISync responses of 250.
    stack.sim.clock.advance(72 * HOUR);
    stack.sim.resetStats();
    stack.sim.faults.add({ kind: 'slow', delayMs: 400, probability: 1, match: { path: /call-log-sync/ } });
    const handle = await syncNow('crash-isync');
    // call-log-sync's own ISyncs: message-sync asks with syncType=ISync too, and its mailboxes run first.
    const isyncs = () => stack.sim.requestLog().filter((r) => r.route === 'call-log-sync' && r.path.includes('syncType=ISync') && r.status === 200);
    const deadline = Date.now() + 90_000;
    while (isyncs().length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(isyncs().length).toBeGreaterThanOrEqual(3);
    first.kill('SIGKILL');
    const atKill = isyncs().length;

    workers.push(spawnWorkerProcess(env));
    const result = await handle.result();
    stack.sim.faults.clear();

    expect(isyncs().length).toBeGreaterThan(atKill);
    expect(result.counts.callLogSyncRefused).toBe(0);
    await expectCallLogEqualsTruth(stack, firstSync.window!.from, stack.sim.clock.now() - 5 * 60_000, 'records');
    // Each request carries the token it continues from: a token asked twice is a response fetched again.
    const twice = refetched(isyncs().map((r) => r.path));
    expect(twice.length).toBeLessThanOrEqual(1);
    expect(Math.max(0, ...twice)).toBeLessThanOrEqual(2);
    expect(stack.sim.requestLog().some((r) => r.route === 'call-log')).toBe(false); // no look-back re-read either
  });
});
