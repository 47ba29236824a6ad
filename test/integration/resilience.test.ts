/**
 * The extraction under stress: three workers on one account, injected faults, revoked
 * tokens and missing permissions. Every claim is checked against the simulator's request
 * log and ground truth.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillWorkflow } from '../../src/workflows';
import { ACCOUNT, expectCallLogEqualsTruth, stackEnv, useSyncStack } from '../support/sync-harness';
import { spawnWorkerProcess, type WorkerProcess } from '../support/worker-process';

const HOUR = 3_600_000;

describe('resilience of the extraction', () => {
  const stack = useSyncStack({ seed: 21, extensions: 16, days: 1, callsPerExtensionPerDay: 60 }, undefined, 0);
  // Three worker processes, each with its own RingCentral session and database pool.
  const workers: WorkerProcess[] = [];
  beforeAll(() => {
    for (let i = 0; i < 3; i++) workers.push(spawnWorkerProcess({ ...stackEnv(stack), RCSYNC_MAX_PAGE_SIZE: '10' }));
  });
  afterAll(() => {
    for (const w of workers) w.kill();
  });

  const range = () => {
    const now = stack.sim.clock.now();
    return { from: new Date(now - 24 * HOUR).toISOString(), to: new Date(now - 10 * 60_000).toISOString() };
  };

  it('three workers stay within every limit and absorb 429 bursts, 503s, resets and truncated bodies', async () => {
    stack.sim.resetStats();
    for (const kind of ['429-burst', '503', 'reset', 'truncated', 'invalid-json'] as const) {
      stack.sim.faults.add({ kind, probability: 0.04, retryAfterSec: 1, match: { path: /call-log|message-store|message-sync/ } });
    }
    const { from, to } = range();
    await stack.client.workflow.execute(backfillWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `three-workers-${stack.taskQueue}`,
      args: [{ accountId: ACCOUNT, from, to, streams: ['call_log', 'messages'], windowMs: 4 * HOUR, messageConcurrency: 6 }],
    });
    stack.sim.faults.clear();
    const log = stack.sim.requestLog();
    // The work really was shared: requests came from several processes' sessions.
    expect(new Set(log.filter((r) => r.token).map((r) => `${r.clientId}:${r.token}`)).size).toBeGreaterThanOrEqual(2);
    const faults = log.filter((r) => r.fault);
    expect(new Set(faults.map((f) => f.fault)).size).toBeGreaterThanOrEqual(4);
    // No 429 trap: the simulator's limiter refused only requests that were already on the
    // wire when another worker's request met a 429 (no client can recall those); nothing
    // was *sent* into a penalty the governor already knew about.
    const sentAt = (r: (typeof log)[number]) => r.time - (r.durationMs ?? 0);
    const throttled = log.filter((r) => r.throttled);
    const sentIntoKnownPenalty = throttled.filter((r) =>
      log.some((h) => h.status === 429 && h.group === r.group && h.seq !== r.seq && h.time < sentAt(r) - 100 && sentAt(r) < h.time + 1_000),
    );
    expect(sentIntoKnownPenalty).toEqual([]);
    expect(throttled.length).toBeLessThanOrEqual(2 * faults.filter((f) => f.fault === '429-burst').length);
    // Nothing lost, nothing duplicated.
    await expectCallLogEqualsTruth(stack, from, to);
    // After a 429 the group stays silent for its Retry-After (1 s), from every worker.
    for (const hit of log.filter((r) => r.status === 429)) {
      const sameGroupSoonAfter = log.filter((r) => r.group === hit.group && r.time > hit.time + 150 && r.time < hit.time + 850 && r.seq > hit.seq);
      expect(sameGroupSoonAfter).toEqual([]);
    }
  }, 240_000);

  it('a revoked token leads to a fresh login, not a failed run', async () => {
    const issued = stack.sim.auth.tokensIssued();
    stack.sim.faults.add({ kind: 'revoke-token', times: 1, match: { path: /call-log/ } });
    const { from, to } = range();
    await stack.client.workflow.execute(backfillWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `revoked-${stack.taskQueue}`,
      args: [{ accountId: ACCOUNT, from: from.replace(/T.*/, 'T00:00:00.000Z'), to, streams: ['call_log'], windowMs: 3 * HOUR }],
    });
    expect(stack.sim.requestLog().some((r) => r.status === 401)).toBe(true);
    expect(stack.sim.auth.tokensIssued()).toBeGreaterThan(issued);
  });

  it('a missing permission fails fast and names the permission', async () => {
    stack.sim.faults.add({ kind: '403', times: 100, match: { path: /call-log/ } });
    const { from, to } = range();
    const started = Date.now();
    const err = await stack.client.workflow
      .execute(backfillWorkflow, { taskQueue: stack.taskQueue, workflowId: `forbidden-${stack.taskQueue}`, args: [{ accountId: ACCOUNT, from, to: new Date(Date.parse(to) - 1000).toISOString(), streams: ['call_log'] }] })
      .catch((e) => e);
    stack.sim.faults.clear();
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const messages: string[] = [];
    for (let e = err as Error | undefined; e; e = (e as { cause?: Error }).cause) messages.push(e.message);
    expect(messages.join(' | ')).toMatch(/ReadCallLog/);
    expect(stack.sim.requestLog().filter((r) => r.status === 403 && r.path.includes('call-log')).length).toBe(1); // not retried (mailboxes without a store answer 403 too)
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
