/**
 * The extraction under stress: three workers on one account, injected faults, revoked
 * tokens and missing permissions. Every claim is checked against the simulator's request
 * log and ground truth.
 */
import type { Client } from '@temporalio/client';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator';
import { backfillWorkflow } from '../../src/workflows';
import { ACCOUNT, startTestSimulator, startTestWorker, testClient, type TestWorker } from '../support/sync-harness';
import { testDatabase } from '../support/stack';

const HOUR = 3_600_000;

describe('resilience of the extraction', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let sim: Simulator;
  let client: Client;
  let closeClient: () => Promise<void>;
  let taskQueue: string;
  const workers: TestWorker[] = [];

  beforeAll(async () => {
    db = await testDatabase();
    sim = await startTestSimulator({ seed: 21, extensions: 16, days: 1, callsPerExtensionPerDay: 60 });
    ({ client, close: closeClient, taskQueue } = await testClient());
    // Three workers, each with its own RingCentral session and connection pool, as separate processes would have.
    for (let i = 0; i < 3; i++) workers.push(await startTestWorker(db.pool, sim, taskQueue, { maxPageSize: 10 }));
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await closeClient?.();
    await sim?.close();
    await db?.drop();
  });

  const range = () => {
    const now = sim.clock.now();
    return { from: new Date(now - 24 * HOUR).toISOString(), to: new Date(now - 10 * 60_000).toISOString() };
  };

  it('three workers stay within every limit and absorb 429 bursts, 503s, resets and truncated bodies', async () => {
    sim.resetStats();
    for (const kind of ['429-burst', '503', 'reset', 'truncated', 'invalid-json'] as const) {
      sim.faults.add({ kind, probability: 0.04, retryAfterSec: 1, match: { path: /call-log|message-store|message-sync/ } });
    }
    const { from, to } = range();
    await client.workflow.execute(backfillWorkflow, {
      taskQueue,
      workflowId: `three-workers-${taskQueue}`,
      args: [{ accountKey: ACCOUNT, from, to, streams: ['call_log', 'messages'], windowMs: 4 * HOUR, messageConcurrency: 6 }],
    });
    sim.faults.clear();
    const log = sim.requestLog();
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
    const truth = sim.truth.callLog({ from, to, showDeleted: true });
    const { rows } = await db.pool.query('SELECT id FROM ringcentral.call_log_record WHERE account_id = $1 AND start_time >= $2 AND start_time < $3', [ACCOUNT, from, to]);
    expect(rows.map((r) => r.id).sort()).toEqual(truth.map((r) => r.id as string).sort());
    // After a 429 the group stays silent for its Retry-After (1 s), from every worker.
    for (const hit of log.filter((r) => r.status === 429)) {
      const sameGroupSoonAfter = log.filter((r) => r.group === hit.group && r.time > hit.time + 150 && r.time < hit.time + 850 && r.seq > hit.seq);
      expect(sameGroupSoonAfter).toEqual([]);
    }
  });

  it('a revoked token leads to a fresh login, not a failed run', async () => {
    const issued = sim.auth.tokensIssued();
    sim.faults.add({ kind: 'revoke-token', times: 1, match: { path: /call-log/ } });
    const { from, to } = range();
    await client.workflow.execute(backfillWorkflow, {
      taskQueue,
      workflowId: `revoked-${taskQueue}`,
      args: [{ accountKey: ACCOUNT, from: from.replace(/T.*/, 'T00:00:00.000Z'), to, streams: ['call_log'], windowMs: 3 * HOUR }],
    });
    expect(sim.requestLog().some((r) => r.status === 401)).toBe(true);
    expect(sim.auth.tokensIssued()).toBeGreaterThan(issued);
  });

  it('a missing permission fails fast and names the permission', async () => {
    sim.faults.add({ kind: '403', times: 100, match: { path: /call-log/ } });
    const { from, to } = range();
    const started = Date.now();
    const err = await client.workflow
      .execute(backfillWorkflow, { taskQueue, workflowId: `forbidden-${taskQueue}`, args: [{ accountKey: ACCOUNT, from, to: new Date(Date.parse(to) - 1000).toISOString(), streams: ['call_log'] }] })
      .catch((e) => e);
    sim.faults.clear();
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const messages: string[] = [];
    for (let e = err as Error | undefined; e; e = (e as { cause?: Error }).cause) messages.push(e.message);
    expect(messages.join(' | ')).toMatch(/ReadCallLog/);
    expect(sim.requestLog().filter((r) => r.status === 403).length).toBe(1); // not retried
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
