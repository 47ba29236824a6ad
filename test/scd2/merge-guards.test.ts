import { describe, expect, it } from 'vitest';
import { DimensionMergeRefused, mergeExtensionDimension } from '../../src/warehouse/scd2';
import * as sql from '../../src/warehouse/scd2/merge-sql';
import { ann, bob, useScenarioDatabase, T } from './fixtures';
import { dumpDimension } from './snapshots';

const db = useScenarioDatabase();
const { setup } = db;

describe('mergeExtensionDimension: guards', () => {
  it('refuses a snapshot older than (or as old as) the last merged one, naming both times', async () => {
    const s = await setup([{ at: T(10), ext: [ann] }, { at: T(12), ext: [ann, bob] }, { at: T(11), ext: [bob] }, { at: T(12), ext: [bob] }]);
    await s.merge(0);
    await s.merge(1);
    const before = await dumpDimension(db.pool, s.accountId);
    const err = await s.merge(2).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DimensionMergeRefused);
    expect((err as DimensionMergeRefused).reason).toBe('older-snapshot');
    expect((err as Error).message).toContain('2025-01-11T00:00:00');
    expect((err as Error).message).toContain('2025-01-12T00:00:00');
    expect((err as Error).message).toContain(s.runIds[1]);
    await expect(s.merge(3)).rejects.toMatchObject({ reason: 'older-snapshot' });
    expect(await dumpDimension(db.pool, s.accountId)).toEqual(before);
  });

  it('is idempotent: merging a run again (even after newer runs) changes nothing and reports its counts', async () => {
    const s = await setup([{ at: T(10), ext: [ann, bob] }, { at: T(11), ext: [bob] }]);
    const first = await s.merge(0);
    await s.merge(1);
    const before = await dumpDimension(db.pool, s.accountId);
    expect(await s.merge(0)).toEqual({ ...first, alreadyMerged: true });
    expect(await s.merge(1)).toEqual({ inserted: 0, closed: 1, deleted: 1, unchanged: 1, alreadyMerged: true });
    expect(await dumpDimension(db.pool, s.accountId)).toEqual(before);
  });

  it('serializes concurrent merges of one account: the same run twice merges once', async () => {
    const s = await setup([{ at: T(10), ext: [ann, bob] }]);
    const results = await Promise.all([s.merge(0), s.merge(0), s.merge(0)]);
    expect(results.filter((r) => !r.alreadyMerged)).toHaveLength(1);
    expect(await dumpDimension(db.pool, s.accountId)).toHaveLength(2);
  });

  it('a failure mid-merge leaves the dimension unchanged and the next attempt succeeds', async () => {
    const s = await setup([{ at: T(10), ext: [ann, bob] }, { at: T(11), ext: [{ ...bob, name: 'Robert' }] }]);
    await s.merge(0);
    const before = await dumpDimension(db.pool, s.accountId);
    // Fail at the last step (recording the merge), after closes, tombstones and inserts ran.
    await db.pool.query(`CREATE FUNCTION pg_temp_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$`);
    await db.pool.query(`CREATE TRIGGER fail_merge BEFORE INSERT ON ringcentral.dim_extension_merge FOR EACH ROW EXECUTE FUNCTION pg_temp_fail()`);
    try {
      await expect(s.merge(1)).rejects.toThrow('injected failure');
      expect(await dumpDimension(db.pool, s.accountId)).toEqual(before);
    } finally {
      await db.pool.query('DROP TRIGGER fail_merge ON ringcentral.dim_extension_merge; DROP FUNCTION pg_temp_fail()');
    }
    expect(await s.merge(1)).toEqual({ inserted: 1, closed: 2, deleted: 1, unchanged: 0, alreadyMerged: false });
  });

  it('refuses a run without an extensions snapshot, of another account, or complete but empty', async () => {
    const s = await setup([{ at: T(10), ext: [ann] }, { at: T(11), ext: [] }, { at: T(12), ext: [], extComplete: false }]);
    await expect(mergeExtensionDimension(db.pool, { accountId: s.accountId, runId: 'nope' })).rejects.toMatchObject({ reason: 'no-snapshot' });
    await expect(mergeExtensionDimension(db.pool, { accountId: 'other', runId: s.runIds[0] })).rejects.toMatchObject({ reason: 'account-mismatch' });
    await s.merge(0);
    await expect(s.merge(1)).rejects.toMatchObject({ reason: 'empty-snapshot' });
    expect(await s.merge(2, true)).toMatchObject({ inserted: 0, closed: 0, deleted: 0, unchanged: 0 }); // incomplete: harmless
    expect((await s.versions(101)).map((v) => v.is_deleted)).toEqual([false]);
  });

  it('stays linear on freshly written (unanalyzed) snapshots: no nested loop in the staging join', async () => {
    // Fresh run rows have stale statistics; a nested loop over extension x directory rows was
    // quadratic (80k extensions: minutes). CREATE_STAGE, as run by the merge, turns them off.
    const many = Array.from({ length: 3000 }, (_, i) => ({ ...bob, id: 10_000 + i, extensionNumber: String(i) }));
    const s = await setup([{ at: T(10), ext: many, dir: many.map((e) => ({ id: e.id, phoneNumbers: [] })) }]);
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(sql.CREATE_STAGE);
      const { rows } = await client.query(`EXPLAIN ${sql.FILL_STAGE.replace(/\$1/g, `'${s.accountId}'`).replace(/\$2/g, `'${s.runIds[0]}'`).replace(/\$3/g, 'true')}`);
      expect(rows.map((r) => r['QUERY PLAN']).join('\n')).not.toMatch(/Nested Loop/);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
    expect(await s.merge(0)).toMatchObject({ inserted: 3000 });
  });

  it('the schema rejects a second current version and overlapping versions', async () => {
    const s = await setup([{ at: T(10), ext: [ann] }]);
    await s.merge(0);
    const insert = (from: string, to: string, current: boolean) =>
      db.pool.query(
        `INSERT INTO ringcentral.dim_extension (account_id, extension_id, row_hash, valid_from, valid_to, is_current, closed_by_run_id, created_by_run_id)
         VALUES ($1, 101, 'x', $2, $3, $4, CASE WHEN $4 THEN NULL ELSE 'r' END, 'r')`,
        [s.accountId, from, to, current],
      );
    await expect(insert(T(20), 'infinity', true)).rejects.toThrow(/dim_extension_one_current/);
    await expect(insert(T(2), T(5), false)).rejects.toThrow(/dim_extension_no_overlap/);
    await expect(insert(T(5), T(5), false)).rejects.toThrow(/dim_extension_valid_range/);
    await expect(insert(T(0), T(1), false)).resolves.toBeDefined(); // adjacent [from, to) ranges do not overlap
  });
});
