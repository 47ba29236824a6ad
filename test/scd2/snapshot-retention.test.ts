/**
 * Bounded growth: the worker's merge activity drops merged snapshots older than the retention
 * window, and keeps what re-merging, backdating, running syncs and audits need.
 */
import { describe, expect, it, vi } from 'vitest';
import { dimensionActivities } from '../../src/activities/dimension';
import { run } from '../../src/client/main';
import { snapshotRetentionDays } from '../../src/config';
import { pruneMergedSnapshots } from '../../src/warehouse/scd2';
import { ann, bob, T, useScenarioDatabase, type RunSpec } from './fixtures';
import { dumpDimension } from './snapshots';

const db = useScenarioDatabase();

/** Runs of the account that still have snapshot rows, by index into runIds. */
async function stored(runIds: string[]) {
  const { rows } = await db.pool.query(
    `SELECT run_id, (SELECT count(*) FROM ringcentral.extension_snapshot e WHERE e.run_id = s.run_id)::int AS extensions,
            (SELECT count(*) FROM ringcentral.directory_entry_snapshot d WHERE d.run_id = s.run_id)::int AS directory
       FROM ringcentral.snapshot s WHERE s.run_id = ANY ($1) AND s.stream = 'extensions'`,
    [runIds],
  );
  for (const r of rows) expect(r.extensions * r.directory, r.run_id).toBeGreaterThan(0); // a run is kept whole
  const orphans = await db.pool.query(
    `SELECT count(*)::int AS n FROM ringcentral.extension_snapshot e
      WHERE e.run_id = ANY ($1) AND NOT EXISTS (SELECT 1 FROM ringcentral.snapshot s WHERE s.run_id = e.run_id)`,
    [runIds],
  );
  expect(orphans.rows[0].n).toBe(0); // or removed whole
  return rows.map((r) => runIds.indexOf(r.run_id)).sort((a, b) => a - b);
}

const daily = (days: number[], extra: Partial<RunSpec> = {}): RunSpec[] => days.map((d) => ({ at: T(d), ext: [ann, bob], ...extra }));

describe('snapshot retention', () => {
  it('the merge activity keeps the window before the newest merged complete snapshot, and everything newer', async () => {
    // Days 1..10 merged; day 11 incomplete and merged; day 12 taken but not merged yet.
    const s = await db.setup([...daily([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), { at: T(11), ext: [ann], extComplete: false }, { at: T(12), ext: [ann, bob] }]);
    const merge = dimensionActivities({ pool: db.pool, snapshotRetentionDays: 3 }).mergeExtensionDimension;
    for (let i = 0; i <= 9; i++) await merge({ accountId: s.accountId, runId: s.runIds[i] });
    const before = await dumpDimension(db.pool, s.accountId);
    const last = await merge({ accountId: s.accountId, runId: s.runIds[10] });
    expect(last.snapshotRunsPruned).toBe(0); // each earlier merge already pruned what fell out
    // Newest merged complete: day 10; kept from day 7 on (captured at or after day 10 - 3 days).
    expect(await stored(s.runIds)).toEqual([6, 7, 8, 9, 10, 11]);
    // Re-merging a pruned run answers from the merge log; the dimension is untouched by pruning.
    expect(await s.merge(0)).toMatchObject({ alreadyMerged: true, inserted: 2 });
    expect(await dumpDimension(db.pool, s.accountId)).toEqual(before);
    expect(await merge({ accountId: s.accountId, runId: s.runIds[11] })).toMatchObject({ alreadyMerged: false });
  });

  it('0 days keeps only the newest merged complete snapshot; running syncs keep theirs', async () => {
    const s = await db.setup(daily([1, 2, 3, 4, 5]));
    for (const i of [0, 1, 3, 4]) await s.merge(i);
    await db.pool.query(`UPDATE ringcentral.sync_run SET status = 'running', finished_at = NULL WHERE run_id = $1`, [s.runIds[1]]);
    const pruned = await pruneMergedSnapshots(db.pool, { accountId: s.accountId, retentionDays: 0 });
    expect(pruned).toEqual({ runs: 3, records: 12 }); // runs 0, 2 (never merged, now never mergeable) and 3: 2 + 2 rows each
    expect(await stored(s.runIds)).toEqual([1, 4]);
  });

  it('prunes a backlog in batches, oldest first, and never touches another account', async () => {
    const s = await db.setup(daily([1, 2, 3, 4, 5, 6]));
    const other = await db.setup(daily([1, 2]));
    for (let i = 0; i < 6; i++) await s.merge(i);
    for (const i of [0, 1]) await other.merge(i);
    expect(await pruneMergedSnapshots(db.pool, { accountId: s.accountId, retentionDays: 0, maxRuns: 3 })).toMatchObject({ runs: 3 });
    expect(await stored(s.runIds)).toEqual([3, 4, 5]);
    expect(await pruneMergedSnapshots(db.pool, { accountId: s.accountId, retentionDays: 0, maxRuns: 3 })).toMatchObject({ runs: 2 });
    expect(await stored(s.runIds)).toEqual([5]);
    expect(await stored(other.runIds)).toEqual([0, 1]);
  });

  it('backdating after pruning still starts after the last complete snapshot that lacked the extension', async () => {
    const newcomer = { ...bob, id: 103, extensionNumber: '499', creationTime: T(1) };
    const s = await db.setup([...daily([5, 6, 7], { ext: [bob] }), { at: T(9), ext: [bob, newcomer] }]);
    for (const i of [0, 1, 2]) await s.merge(i);
    await pruneMergedSnapshots(db.pool, { accountId: s.accountId, retentionDays: 0 });
    expect(await stored(s.runIds)).toEqual([2, 3]);
    await s.merge(3);
    expect((await s.versions(103))[0].valid_from).toBe('2025-01-07T00:00:00.000001+00:00');
  });

  it('RCSYNC_SNAPSHOT_RETENTION_DAYS: parsed once; a bad value stops the worker before it starts (exit 2, one line)', async () => {
    expect(snapshotRetentionDays({})).toBeUndefined();
    expect(snapshotRetentionDays({ RCSYNC_SNAPSHOT_RETENTION_DAYS: '2.5' })).toBe(2.5);
    for (const bad of ['', 'a week', '-1', 'Infinity']) {
      expect(() => snapshotRetentionDays({ RCSYNC_SNAPSHOT_RETENTION_DAYS: bad })).toThrow(/RCSYNC_SNAPSHOT_RETENTION_DAYS must be a number of days/);
    }
    const saved = { ...process.env };
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...a) => void errors.push(a.join(' ')));
    try {
      Object.assign(process.env, { RC_SERVER_URL: 'http://127.0.0.1:9', RC_CLIENT_ID: 'c', RC_CLIENT_SECRET: 's', RC_JWT: 'j', RCSYNC_SNAPSHOT_RETENTION_DAYS: 'a week' });
      const code = await run(["worker"]);
      expect(code, errors.join("\n")).toBe(2);
      expect(errors).toEqual([expect.stringMatching(/RCSYNC_SNAPSHOT_RETENTION_DAYS must be a number of days, 0 or more/)]);
    } finally {
      spy.mockRestore();
      process.env = saved;
    }
  });
});
