/**
 * Extraction end to end: simulator -> worker (real dev server) -> real Postgres, compared
 * with the simulator's ground truth record by record.
 */
import { describe, expect, it } from 'vitest';
import { accountSyncWorkflow, backfillWorkflow } from '../../src/workflows';
import { historyLeaks, servedSecrets } from '../support/leak-scan';
import { ACCOUNT, expectCallLogEqualsTruth as expectRecordsEqualTruth, useSyncStack } from '../support/sync-harness';

const HOUR = 3_600_000;
const ALL_AVAILABILITY = ['Alive', 'Deleted', 'Purged'] as Array<'Alive'>;

describe('extraction of all four APIs', () => {
  const stack = useSyncStack({ seed: 5, extensions: 20, days: 2, callsPerExtensionPerDay: 80, messagesPerExtensionPerDay: 12 }, { maxPageSize: 8 });
  const expectCallLogEqualsTruth = (from: string, to: string) => expectRecordsEqualTruth(stack, from, to, 'records');

  async function expectMessagesEqualTruth(from: string, to: string) {
    const { rows: exts } = await stack.db.pool.query<{ extension_id: number }>(
      'SELECT DISTINCT extension_id FROM ringcentral.message WHERE account_id = $1',
      [ACCOUNT],
    );
    expect(exts.length).toBeGreaterThan(5);
    let total = 0;
    for (const { extension_id } of exts) {
      const truth = stack.sim.truth.messages(extension_id, { from, to, availability: ALL_AVAILABILITY });
      const { rows } = await stack.db.pool.query<{ raw: Record<string, unknown> }>(
        'SELECT raw FROM ringcentral.message WHERE account_id = $1 AND extension_id = $2 AND creation_time >= $3 AND creation_time < $4',
        [ACCOUNT, extension_id, from, to],
      );
      expect(rows.length).toBe(truth.length);
      const byId = new Map(rows.map((r) => [String(r.raw.id), r.raw]));
      for (const m of truth) expect(byId.get(String(m.id))).toEqual(m);
      total += truth.length;
    }
    return total;
  }

  it('a backfill across hundreds of pages equals the ground truth: same ids, no duplicates', async () => {
    const now = stack.sim.clock.now();
    const from = new Date(now - 2 * 24 * HOUR).toISOString();
    const to = new Date(now - 10 * 60_000).toISOString();
    stack.sim.resetStats();
    await stack.client.workflow.execute(backfillWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `backfill-${stack.taskQueue}`,
      args: [{ accountId: ACCOUNT, from, to, streams: ['call_log', 'messages'], windowMs: 12 * HOUR }],
    });
    const pages = stack.sim.requestLog().filter((r) => r.status === 200 && /call-log|message-store|extension|directory/.test(r.path)).length;
    expect(pages).toBeGreaterThan(200);
    expect(await expectCallLogEqualsTruth(from, to)).toBeGreaterThan(1_000);
    expect(await expectMessagesEqualTruth(from, to)).toBeGreaterThan(100);
    // Nothing was throttled: the governor kept every group under its limit.
    expect(stack.sim.requestLog().filter((r) => r.throttled)).toEqual([]);
  });

  it('a second run of the same backfill skips finished windows and changes nothing', async () => {
    const before = await stack.db.pool.query('SELECT id, last_synced_at FROM ringcentral.call_log_record ORDER BY id');
    stack.sim.resetStats();
    const now = stack.sim.clock.now();
    const from = new Date(now - 2 * 24 * HOUR).toISOString();
    const to = new Date(now - 10 * 60_000).toISOString();
    await stack.client.workflow.execute(backfillWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `backfill-again-${stack.taskQueue}`,
      args: [{ accountId: ACCOUNT, from, to, streams: ['call_log'], windowMs: 12 * HOUR }],
    });
    expect(stack.sim.requestLog().filter((r) => r.path.includes('call-log'))).toEqual([]);
    const after = await stack.db.pool.query('SELECT id, last_synced_at FROM ringcentral.call_log_record ORDER BY id');
    expect(after.rows).toEqual(before.rows);
  });

  it('incremental syncs pick up new calls and records changed after first sight', async () => {
    stack.sim.clock.advance(3 * HOUR);
    const first = await stack.client.workflow.execute(accountSyncWorkflow, { taskQueue: stack.taskQueue, workflowId: `sync-1-${stack.taskQueue}`, args: [{ accountId: ACCOUNT }] });
    expect(first.phase).toBe('done');
    stack.sim.clock.advance(2 * HOUR);
    const second = await stack.client.workflow.execute(accountSyncWorkflow, { taskQueue: stack.taskQueue, workflowId: `sync-2-${stack.taskQueue}`, args: [{ accountId: ACCOUNT }] });
    expect(second.phase).toBe('done');
    const { rows } = await stack.db.pool.query(`SELECT watermarks FROM ringcentral.sync_run WHERE kind = 'sync' AND status = 'succeeded' ORDER BY finished_at DESC LIMIT 1`);
    const watermark = rows[0].watermarks.callLog as string;
    // The watermark follows the *server's* clock (Date header), 5 minutes behind: calls appear late.
    expect(Math.abs(Date.parse(watermark) - (stack.sim.clock.now() - 5 * 60_000))).toBeLessThan(2_000);
    // Everything up to the watermark, including changes (recordings, deletions) made after
    // the backfill first saw those calls within the look-back, equals the truth now.
    const now = stack.sim.clock.now();
    await expectCallLogEqualsTruth(new Date(now - 20 * HOUR).toISOString(), watermark);
    const changed = await stack.db.pool.query(`SELECT count(*)::int AS n FROM ringcentral.call_log_record WHERE last_synced_at > first_synced_at`);
    expect(changed.rows[0].n).toBeGreaterThan(0);
  });

  it('workflow histories carry counts and cursors, never record data', async () => {
    const secrets = servedSecrets(stack.sim);
    expect(secrets.personal.size).toBeGreaterThan(20);
    const histories = await historyLeaks(stack.client, stack.taskQueue, secrets);
    for (const h of histories) expect(h.leaks, `history of ${h.workflowId} contains personal data or a secret`).toEqual([]);
    expect(histories.length).toBeGreaterThan(4);
  });
});
