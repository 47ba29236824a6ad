/**
 * Issue 11, items 2 and 3 on the real stack, with an account whose mailboxes do not all fit
 * one sync's Light budget: a backfill hands each mailbox's sync token over to sync (no second
 * FSync); every sync stays within its budget; every mailbox is reconciled within the period;
 * dirty mailboxes go first; and when the account stops changing, a few syncs later the
 * warehouse equals the simulator's messages, nothing lost.
 */
import { describe, expect, it } from 'vitest';
import { lightBudget } from '../../src/activities/message-budget';
import { markMailboxesDirty } from '../../src/warehouse/mailbox-state';
import { accountSyncWorkflow, backfillWorkflow } from '../../src/workflows';
import { expectMessagesEqualTruth, listedMailboxes } from '../support/message-truth';
import { ACCOUNT, startTestWorker, useSyncStack } from '../support/sync-harness';
import { uniqueName } from '../support/stack';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const INTERVAL = 15 * MINUTE;
const PERIOD_HOURS = 2; // 8 syncs per period
// The test's rate windows are 60x shorter than RingCentral's, so a share of 0.5 would admit
// every mailbox; this share gives 60 Light requests per 15-minute sync at 50 per second.
const SHARE = 0.001334;

describe('message syncs within a budget, after a backfill', () => {
  const stack = useSyncStack(
    { seed: 13, extensions: 300, days: 1, messagesPerExtensionPerDay: 3, callsPerExtensionPerDay: 1, eventsPerDay: 0 },
    { messageBudgetShare: SHARE, messageReconcileHours: PERIOD_HOURS },
  );
  const t0 = () => start;
  let start = 0;
  let runs = 0;

  const sync = () =>
    stack.client.workflow.execute(accountSyncWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `budget-${++runs}-${stack.taskQueue}`,
      args: [{ accountId: ACCOUNT, scheduleIntervalMs: INTERVAL }],
    });
  const requests = () => stack.sim.requestLog().filter((r) => r.status !== 429);
  const light = () => requests().filter((r) => r.group === 'Light');
  const budget = async () => {
    const { rows } = await stack.db.pool.query(`SELECT limit_per_window, window_ms FROM ringcentral.rate_budget WHERE account_id = $1 AND rate_group = 'Light'`, [ACCOUNT]);
    return lightBudget({ lightLimit: rows[0].limit_per_window, lightWindowMs: rows[0].window_ms, share: SHARE, intervalMs: INTERVAL, reconcilePeriodMs: PERIOD_HOURS * HOUR });
  };
  /** Simulated ms since each listed mailbox was last reconciled (never: Infinity). */
  const staleness = async () => {
    const ids = await listedMailboxes(stack);
    const { rows } = await stack.db.pool.query(`SELECT extension_id, reconciled_at FROM ringcentral.mailbox_state WHERE account_id = $1`, [ACCOUNT]);
    const at = new Map(rows.map((r) => [Number(r.extension_id), r.reconciled_at ? (r.reconciled_at as Date).getTime() : undefined]));
    return ids.map((id) => stack.sim.clock.now() - (at.get(id) ?? -Infinity));
  };

  it('a backfill leaves every mailbox a sync token: the next sync sends no FSync, pages no store and spends at most its budget', async () => {
    start = stack.sim.clock.now();
    await stack.client.workflow.execute(backfillWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `budget-backfill-${stack.taskQueue}`,
      // Per-mailbox paging, whose hand-over this test follows (300 mailboxes would take the export: message-export.test.ts).
      args: [{ accountId: ACCOUNT, from: new Date(start - 24 * HOUR).toISOString(), to: new Date(start).toISOString(), streams: ['call_log', 'messages'], messagesVia: 'pages' }],
    });
    const mailboxes = await listedMailboxes(stack);
    expect(mailboxes.length).toBeGreaterThan(200);
    const fsyncs = requests().filter((r) => r.status === 200 && r.path.includes('/message-sync') && r.path.includes('syncType=FSync')); // types without a store answer 403
    expect(fsyncs.length).toBe(mailboxes.length); // one per mailbox, by the backfill
    await expectMessagesEqualTruth(stack, start - 24 * HOUR);
    expect(Math.max(...(await staleness()))).toBe(0); // the backfill reconciled them all

    stack.sim.clock.advance(INTERVAL);
    stack.sim.resetStats();
    const first = await sync();
    expect(first.phase).toBe('done');
    // (Extension types without a message store answer 403 to whatever is asked; they never hold a token.)
    expect(requests().filter((r) => r.status === 200 && ((r.path.includes('/message-sync') && r.path.includes('syncType=FSync')) || r.path.includes('/message-store')))).toEqual([]);
    const limit = await budget();
    expect(limit).toBe(60);
    const c = first.counts;
    expect(c).toMatchObject({ mailboxesTotal: 300, lightRequestsBudget: limit, lightRequestsPlanned: limit });
    expect(c.mailboxesSkippedForBudget).toBe(c.mailboxesTotal! - c.mailboxesDue! - c.mailboxesDirty! - c.mailboxesActive! - c.mailboxesOldest!);
    expect(c.mailboxesSkippedForBudget).toBeGreaterThan(200);
    expect(light().length).toBeLessThanOrEqual(limit);
    expect(first.counts.lightRequestsSpent).toBe(light().length);
    // The call log continues from the backfill's end (less its look-back), not from scratch.
    const callLogFroms = requests()
      .filter((r) => r.path.includes('/call-log'))
      .map((r) => Date.parse(decodeURIComponent(/dateFrom=([^&]+)/.exec(r.path)![1]!)));
    expect(Math.min(...callLogFroms)).toBe(start - 24 * HOUR);
    expect((first.warnings ?? []).some((w) => w.startsWith('message plan'))).toBe(false); // (the mailboxes without a store are)

    // A quiet sync right after costs the same in each group: the handover left nothing to catch up.
    const byGroup = () => Object.fromEntries(['Light', 'Medium', 'Heavy'].map((g) => [g, requests().filter((r) => r.group === g).length]));
    const firstCost = byGroup();
    stack.sim.clock.advance(INTERVAL);
    stack.sim.resetStats();
    await sync();
    const quietCost = byGroup();
    // Heavy: plus the one call-log-sync FSync that gets the account its token (the backfill
    // pages its range as a window and leaves the watermark, not a call-log-sync token).
    for (const g of ['Light', 'Medium', 'Heavy']) expect(firstCost[g], g).toBeLessThanOrEqual(quietCost[g]! + (g === 'Heavy' ? 1 : 0));
  });

  it('over two periods every sync stays within its budget, dirty mailboxes go first, and no mailbox waits longer than the period', async () => {
    const limit = await budget();
    for (let i = 0; i < 2 * PERIOD_HOURS * 4; i++) {
      stack.sim.clock.advance(INTERVAL);
      // The mailboxes read most recently: neither due nor oldest, so only their marks bring them in.
      const freshest = await stack.db.pool.query(`SELECT extension_id FROM ringcentral.mailbox_state ORDER BY reconciled_at DESC, extension_id LIMIT 4`);
      const dirty = i % 3 === 1 ? freshest.rows.map((r) => Number(r.extension_id)) : [];
      if (dirty.length) await markMailboxesDirty(stack.db.pool, ACCOUNT, dirty);
      stack.sim.resetStats();
      const result = await sync();
      expect(result.phase).toBe('done');
      expect(light().length, `sync ${i}`).toBeLessThanOrEqual(limit);
      expect(result.counts.lightRequestsSpent).toBeLessThanOrEqual(light().length);
      expect(result.counts.lightRequestsPlanned).toBeLessThanOrEqual(limit);
      expect(requests().some((r) => r.status === 200 && r.path.includes('syncType=FSync'))).toBe(false);
      if (dirty.length) {
        const { rows } = await stack.db.pool.query(`SELECT extension_id, reason FROM ringcentral.message_sync_selection WHERE run_id LIKE $1 AND extension_id = ANY($2)`, [
          `budget-${runs}-%`,
          dirty,
        ]);
        expect(rows.map((r) => r.reason)).toEqual(dirty.map(() => 'dirty'));
        expect(result.counts.mailboxesDirty).toBe(dirty.length);
        for (const id of dirty) expect(requests().some((r) => r.path.includes(`/extension/${id}/message-sync`))).toBe(true);
        const marks = await stack.db.pool.query(`SELECT count(*)::int AS n FROM ringcentral.mailbox_state WHERE dirty_at IS NOT NULL`);
        expect(marks.rows[0].n).toBe(0); // read, so cleared
      }
      expect(Math.max(...(await staleness())), `sync ${i}`).toBeLessThanOrEqual(PERIOD_HOURS * HOUR);
    }
  });

  it('once the account is quiet, a few syncs within the budget bring the warehouse to exactly the simulator’s messages', async () => {
    const limit = await budget();
    const mailboxes = await listedMailboxes(stack);
    for (let i = 0; i < Math.ceil(mailboxes.length / limit) + 1; i++) {
      stack.sim.clock.advance(1_000); // snapshots merge in capture order; a second leaves the messages as they are
      stack.sim.resetStats();
      await sync();
      expect(light().length).toBeLessThanOrEqual(limit);
    }
    await expectMessagesEqualTruth(stack, t0() - 24 * HOUR);
  });

  it('an account too large for the period at this budget: the sync says so and what would fix it, and still stays within the budget', async () => {
    // A 15-minute period leaves one sync to read every mailbox: more than 60 requests.
    const taskQueue = uniqueName('tq');
    const worker = await startTestWorker(stack.db.pool, stack.sim, taskQueue, { messageBudgetShare: SHARE, messageReconcileHours: 0.25 });
    try {
      const limit = await budget();
      stack.sim.clock.advance(INTERVAL);
      stack.sim.resetStats();
      const result = await stack.client.workflow.execute(accountSyncWorkflow, { taskQueue, workflowId: `budget-small-${taskQueue}`, args: [{ accountId: ACCOUNT, scheduleIntervalMs: INTERVAL }] });
      const warning = (result.warnings ?? []).find((w) => w.startsWith('message plan'));
      expect(warning).toMatch(/^message plan: 300 mailboxes cannot all be reconciled every 0.25 h: that needs \d+ Light requests per sync, the budget is 60; .* Fix: RCSYNC_MESSAGES_BUDGET_SHARE=[\d.]+ or RCSYNC_MESSAGES_RECONCILE_HOURS=\d+$/);
      expect(light().length).toBeLessThanOrEqual(limit);
      const { rows } = await stack.db.pool.query(`SELECT counts FROM ringcentral.sync_run WHERE run_id LIKE $1`, [`budget-small-%`]);
      expect(rows[0].counts).toMatchObject({ mailboxesTotal: 300, lightRequestsBudget: limit, mailboxesDue: result.counts.mailboxesDue });
    } finally {
      await worker.stop();
    }
  });
});
