/**
 * The call log at the page-size optimum: a backfill pages its range as one window (about one
 * Heavy request per 1,000 records); a sync reads changes through call-log-sync (FSync once,
 * then ISync) instead of re-reading a look-back day, and falls back to the look-back window
 * where the account refuses call-log-sync (403), asking again a day later.
 */
import { describe, expect, it } from 'vitest';
import { accountSyncWorkflow, backfillWorkflow } from '../../src/workflows';
import { recordHistory } from '../support/histories';
import { ACCOUNT, expectCallLogEqualsTruth, useSyncStack } from '../support/sync-harness';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

describe('call log request plan', () => {
  // No page cap: the real 1,000-record pages are what is measured.
  const stack = useSyncStack({ seed: 14, extensions: 20, days: 10, callsPerExtensionPerDay: 40, messagesPerExtensionPerDay: 0 }, {});

  const heavyCallLog = () => stack.sim.requestLog().filter((r) => r.group === 'Heavy' && r.status === 200);
  const sync = async (name: string) => {
    stack.sim.resetStats();
    return stack.client.workflow.execute(accountSyncWorkflow, { taskQueue: stack.taskQueue, workflowId: `${name}-${stack.taskQueue}`, args: [{ accountId: ACCOUNT }] });
  };

  it('a backfill pages its range at about one Heavy request per 1,000 records and lands the ground truth', async () => {
    const now = stack.sim.clock.now();
    const from = iso(now - 9 * DAY);
    const to = iso(now - 2 * DAY);
    stack.sim.resetStats();
    const result = await stack.client.workflow.execute(backfillWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `plan-backfill-${stack.taskQueue}`,
      args: [{ accountId: ACCOUNT, from, to, streams: ['call_log'] }],
    });
    const records = await expectCallLogEqualsTruth(stack, from, to, 'records');
    expect(records).toBeGreaterThan(3_000); // several pages, so the ratio means something
    const requests = heavyCallLog().filter((r) => r.route === 'call-log').length;
    expect(result.callLog).toMatchObject({ pages: requests, records });
    // Beyond the range's first page, at most 1.05 requests per 1,000 records.
    expect((requests - 1) / (records / 1_000)).toBeLessThanOrEqual(1.05);
  });

  /** Where the syncs' call log starts: every record from here on has been synced. */
  let syncedFrom = 0;

  it('403 on call-log-sync: the sync reads the look-back window, counts the refusal, and asks again only a day later', async () => {
    stack.sim.faults.add({ kind: '403', match: { path: /call-log-sync/ } });
    const refused = await sync('plan-refused');
    stack.sim.faults.clear();
    expect(refused.counts.callLogSyncRefused).toBe(1);
    await recordHistory(stack.client, `plan-refused-${stack.taskQueue}`, 'account-sync-call-log-refused');
    expect(heavyCallLog().some((r) => r.route === 'call-log')).toBe(true);
    await expectCallLogEqualsTruth(stack, refused.window!.from, refused.window!.to, 'records');
    syncedFrom = Date.parse(refused.window!.from);

    stack.sim.clock.advance(2 * HOUR);
    const again = await sync('plan-refused-again');
    expect(again.counts.callLogSyncRefused).toBe(1);
    expect(stack.sim.requestLog().filter((r) => r.path.includes('/call-log-sync'))).toEqual([]); // remembered: not asked within the day

    stack.sim.clock.advance(DAY);
    const asked = await sync('plan-asked-again');
    expect(asked.counts.callLogSyncRefused).toBe(0);
    expect(heavyCallLog().filter((r) => r.path.includes('/call-log-sync') && r.path.includes('syncType=FSync'))).toHaveLength(1);
    await expectCallLogEqualsTruth(stack, asked.window!.from, asked.window!.to, 'records');
  });

  it('syncs after the FSync read only ISync changes, and the warehouse equals the truth, deletions and late recordings included', async () => {
    expect(syncedFrom).toBeGreaterThan(0); // the previous test's syncs took the FSync
    const start = syncedFrom;
    let deletedSeen = 0;
    for (let i = 0; i < 3; i++) {
      stack.sim.clock.advance(8 * HOUR);
      const result = await sync(`plan-isync-${i}`);
      const heavy = heavyCallLog();
      // No look-back re-read: only call-log-sync, only ISync, and no page of the call log itself.
      expect(heavy.length).toBeGreaterThan(0);
      expect(heavy.every((r) => r.path.includes('/call-log-sync') && r.path.includes('syncType=ISync'))).toBe(true);
      expect(result.counts.callLogSyncRefused).toBe(0);
      expect(result.counts.callLogRecords).toBeGreaterThan(0);
      const now = stack.sim.clock.now();
      await expectCallLogEqualsTruth(stack, start, now - 5 * 60_000, 'records');
      deletedSeen = stack.sim.truth.callLog({ from: start, to: now, showDeleted: true }).filter((r) => r.deleted === true).length;
    }
    await recordHistory(stack.client, `plan-isync-0-${stack.taskQueue}`, 'account-sync-call-log-sync');
    // The property is only tested if some records were deleted after they were first synced.
    expect(deletedSeen).toBeGreaterThan(0);
  });

  it('a token too old for ISync (400) starts over: a new FSync, its frame paged once, then ISync again', async () => {
    stack.sim.clock.advance(31 * DAY);
    const restarted = await sync('plan-lapsed');
    const log = stack.sim.requestLog().filter((r) => r.group === 'Heavy');
    expect(log.filter((r) => r.path.includes('syncType=ISync')).map((r) => r.status)).toEqual([400]);
    expect(log.filter((r) => r.path.includes('syncType=FSync') && r.status === 200)).toHaveLength(1);
    expect(restarted.counts.callLogSyncRefused).toBe(0);
    await expectCallLogEqualsTruth(stack, restarted.window!.from, stack.sim.clock.now() - 5 * 60_000, 'records');

    stack.sim.clock.advance(HOUR);
    await sync('plan-after-lapse');
    expect(heavyCallLog().every((r) => r.path.includes('syncType=ISync'))).toBe(true);
  });
});
