/**
 * Counts that add up: a paging activity that fails mid-window and is retried from its
 * checkpoint still reports every page it wrote, so results, progress and sync_run equal
 * the rows in the warehouse. Faults are placed at random pages (fast-check).
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callLogActivities, type StreamCounts } from '../../src/activities/call-log';
import { RateGovernor } from '../../src/ratelimit/governor';
import { RingCentralClients } from '../../src/ringcentral/client';
import { accountSyncWorkflow, backfillWorkflow } from '../../src/workflows';
import { callLogBackfillProgress } from '../../src/workflows/backfill';
import { ACCOUNT, accountsFor, useSyncStack } from '../support/sync-harness';

const DAY = 24 * 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('counts that add up', () => {
  const stack = useSyncStack({ seed: 9, extensions: 10, days: 7, callsPerExtensionPerDay: 100, messagesPerExtensionPerDay: 40 });

  const allMessages = async () => Number((await stack.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM ringcentral.message WHERE account_id = $1', [ACCOUNT])).rows[0].n);
  const rowsIn = async (table: 'call_log_record' | 'message', column: 'start_time' | 'creation_time', from: string, to: string) =>
    Number(
      (
        await stack.db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ringcentral.${table} WHERE account_id = $1 AND ${column} >= $2 AND ${column} < $3`, [
          ACCOUNT,
          from,
          to,
        ])
      ).rows[0].n,
    );
  const runCounts = async (runId: string) =>
    (await stack.db.pool.query<{ counts: Record<string, number> }>('SELECT counts FROM ringcentral.sync_run WHERE run_id = $1', [runId])).rows[0]?.counts;
  /** Call-log pages the server answered, and whether an answer after the fault resumed mid-window. */
  const callLogTraffic = () => {
    const log = stack.sim.requestLog().filter((r) => r.path.includes('/call-log'));
    const faulted = log.findIndex((r) => r.status >= 400);
    const resumedAt = log.slice(faulted + 1).find((r) => r.status === 200)?.path.match(/[?&]page=(\d+)/)?.[1];
    return { served: log.filter((r) => r.status === 200).length, faulted: faulted >= 0, resumedAtPage: Number(resumedAt) };
  };

  it('a backfill retried mid-window reports exactly the rows it wrote: result, progress and sync_run', async () => {
    let day = 1; // every run backfills a day of its own, so each one writes only new rows
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 6 }), fc.constantFrom('429-burst' as const, '503' as const), fc.integer({ min: 0, max: 8 }), async (afterPages, kind, afterStores) => {
        const now = stack.sim.clock.now();
        const from = iso(now - (day + 1) * DAY);
        const to = iso(now - day * DAY);
        day += 1;
        stack.sim.faults.clear();
        stack.sim.resetStats();
        const messagesBefore = await allMessages();
        // Three 503s in a row outlast the client's in-place tries: either way the attempt fails.
        stack.sim.faults.add({ kind, times: kind === '503' ? 3 : 1, retryAfterSec: 1, afterRequests: afterPages, match: { path: /call-log/ } });
        stack.sim.faults.add({ kind: '429-burst', retryAfterSec: 1, afterRequests: afterStores, match: { path: /message-store/ } });
        const handle = await stack.client.workflow.start(backfillWorkflow, {
          taskQueue: stack.taskQueue,
          workflowId: `counts-backfill-${day}-${stack.taskQueue}`,
          args: [{ accountId: ACCOUNT, from, to, streams: ['call_log', 'messages'], windowMs: DAY }],
        });
        const result = await handle.result();
        stack.sim.faults.clear();

        const traffic = callLogTraffic();
        expect(traffic.faulted).toBe(true);
        expect(traffic.resumedAtPage).toBeGreaterThan(1); // the retry resumed from its checkpoint
        const calls = await rowsIn('call_log_record', 'start_time', from, to);
        const messages = await rowsIn('message', 'creation_time', from, to);
        expect(calls).toBeGreaterThan(100);
        expect(result.callLog).toMatchObject({ pages: traffic.served, records: calls, written: calls });
        // Handing over to sync, the backfill's FSync also reads (and writes) its mailboxes' messages after `to`.
        const messagesWritten = (await allMessages()) - messagesBefore;
        expect(messages).toBeGreaterThan(0);
        expect(messagesWritten).toBeGreaterThanOrEqual(messages);
        expect(result.messages).toMatchObject({ written: messagesWritten });
        expect(result.messages!.records).toBeGreaterThanOrEqual(messagesWritten);
        const progress = await stack.client.workflow.getHandle(`${handle.workflowId}/call-log`).query(callLogBackfillProgress);
        expect(progress).toMatchObject({ pages: traffic.served, records: calls, written: calls });
        expect(await runCounts(`${handle.workflowId}/${handle.firstExecutionRunId}`)).toMatchObject({
          callLogRecords: calls,
          callLogWritten: calls,
          messageRecords: result.messages!.records,
          messagesWritten: messagesWritten,
        });
      }),
      // No shrinking: every run uses up a day of the simulated history.
      { numRuns: 4, endOnFailure: true },
    );
  });

  it('a sync retried mid-window reports exactly the call-log rows it wrote: result and sync_run', async () => {
    stack.sim.faults.clear();
    stack.sim.resetStats();
    // The first sync's call-log-sync FSync, pages 1-3 of its frame, then the fault.
    stack.sim.faults.add({ kind: '429-burst', retryAfterSec: 1, afterRequests: 4, match: { path: /call-log/ } });
    const before = (await stack.db.pool.query<{ t: Date }>('SELECT now() AS t')).rows[0].t;
    const handle = await stack.client.workflow.start(accountSyncWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `counts-sync-${stack.taskQueue}`,
      args: [{ accountId: ACCOUNT, windowMs: 2 * DAY }],
    });
    const result = await handle.result();
    stack.sim.faults.clear();
    const traffic = callLogTraffic();
    expect(traffic.resumedAtPage).toBe(4);
    // The FSync's frame continues from the backfills' watermark (less the look-back), so it
    // re-reads their last day: only the rest is written.
    const calls = await rowsIn('call_log_record', 'start_time', result.window!.from, result.window!.to);
    const { rows } = await stack.db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ringcentral.call_log_record WHERE account_id = $1 AND start_time >= $2 AND start_time < $3 AND first_synced_at >= $4`,
      [ACCOUNT, result.window!.from, result.window!.to, before],
    );
    const written = rows[0].n;
    expect(written).toBeGreaterThan(100);
    expect(calls).toBeGreaterThan(written);
    expect(result.counts).toMatchObject({ callLogRecords: calls, callLogWritten: written });
    expect(await runCounts(result.runId)).toMatchObject({ callLogRecords: calls, callLogWritten: written });
    // The sync's windows kept their done markers only while the run could still retry them.
    const markers = `SELECT scope FROM ringcentral.checkpoint WHERE account_id = $1 AND stream = 'call_log' AND cursor @> '{"keep": false}'`;
    expect((await stack.db.pool.query(markers, [ACCOUNT])).rows).toEqual([]);
  });

  it('an attempt that wrote the whole window but never reported: its retry returns those counts; another activity pages again', async () => {
    const deps = { pool: stack.db.pool, rc: new RingCentralClients(accountsFor(stack.sim), { governor: new RateGovernor(stack.db.pool) }), settings: { maxPageSize: 25 } };
    const { syncCallLogWindow } = callLogActivities(deps);
    const now = stack.sim.clock.now();
    const input = { accountId: ACCOUNT, window: { from: iso(now - 6.5 * DAY), to: iso(now - 6 * DAY) }, keepDoneMarker: false };
    const attempt = (activityId: string) => new MockActivityEnvironment({ activityId, workflowExecution: { workflowId: 'counts-tail', runId: 'run-1' } });
    const first: StreamCounts = await attempt('1').run(syncCallLogWindow, input);
    expect(first.written).toBeGreaterThan(25);
    stack.sim.resetStats();
    // Same activity (a retry after the worker died between the last commit and the report).
    expect(await attempt('1').run(syncCallLogWindow, input)).toEqual(first);
    expect(callLogTraffic().served).toBe(0);
    // A different activity on the same window: a sync window is paged again; nothing new to write.
    expect(await attempt('2').run(syncCallLogWindow, input)).toEqual({ ...first, written: 0 });
    expect(callLogTraffic().served).toBe(first.pages);
  });
});
