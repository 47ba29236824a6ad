import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DimensionMergeRefused, mergeExtensionDimension } from '../../src/warehouse/scd2';
import { testDatabase, uniqueName } from '../support/stack';
import { dumpDimension, writeSnapshot, type DirectoryRecord, type ExtensionRecord } from './snapshots';

let db: Awaited<ReturnType<typeof testDatabase>>;
beforeAll(async () => {
  db = await testDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const T = (day: number, hour = 0) => new Date(Date.UTC(2025, 0, day, hour)).toISOString();
const ms = (t: unknown) => new Date(String(t)).getTime();

const ann: ExtensionRecord = {
  id: 101, extensionNumber: '420', name: 'Ann Lee', firstName: 'Ann', lastName: 'Lee', email: 'ann@example.com',
  department: 'Sales', jobTitle: 'Rep', type: 'User', status: 'Enabled', siteId: 's1', siteName: 'HQ', hidden: false,
  costCenter: 'CC1', creationTime: T(1, 0) /* earlier than the first capture */,
};
const bob: ExtensionRecord = {
  id: 102, extensionNumber: '421', name: 'Bob Roe', type: 'User', status: 'Enabled', siteId: null, siteName: null,
  creationTime: null,
};
const annDir: DirectoryRecord = {
  id: 101, extensionNumber: '420', name: 'Ann Lee', email: 'ann@example.com', type: 'User', status: 'Enabled',
  siteId: 's1', siteName: 'HQ', phoneNumbers: [{ phoneNumber: '+15550001', type: 'VoiceFax', usageType: 'DirectNumber' }],
};
const bobDir: DirectoryRecord = { id: 102, extensionNumber: '421', name: 'Bob Roe', siteId: 's2', siteName: 'Annex', phoneNumbers: [] };

async function setup(runs: Array<{ at: string; ext: ExtensionRecord[]; dir?: DirectoryRecord[] | null; extComplete?: boolean; dirComplete?: boolean }>) {
  const accountId = uniqueName('acct');
  const runIds: string[] = [];
  for (const r of runs) {
    const runId = uniqueName('run');
    runIds.push(runId);
    await writeSnapshot(db.pool, {
      accountId, runId, capturedAt: r.at, extensions: r.ext, directory: r.dir === undefined ? [annDir, bobDir] : r.dir,
      extensionsComplete: r.extComplete, directoryComplete: r.dirComplete,
    });
  }
  const merge = (i: number, allowIncomplete = false) => mergeExtensionDimension(db.pool, { accountId, runId: runIds[i], allowIncomplete });
  const versions = async (id: number) => (await dumpDimension(db.pool, accountId)).filter((v) => v.extension_id === id);
  return { accountId, runIds, merge, versions };
}

describe('mergeExtensionDimension', () => {
  it('first merge: one current version per extension; first version backdated to an earlier creation_time', async () => {
    const s = await setup([{ at: T(10), ext: [ann, bob, { ...bob, id: 103, extensionNumber: '422', creationTime: T(20) }] }]);
    expect(await s.merge(0)).toEqual({ inserted: 3, closed: 0, deleted: 0, unchanged: 0, alreadyMerged: false });
    const [a] = await s.versions(101);
    expect(ms(a.valid_from)).toBe(ms(T(1))); // creation_time
    expect(a).toMatchObject({ inferred: true, is_current: true, valid_to: 'infinity', site_name: 'HQ', is_deleted: false });
    expect(a.phone_numbers).toEqual([{ phoneNumber: '+15550001', type: 'VoiceFax', usageType: 'DirectNumber' }]);
    const [b] = await s.versions(102);
    expect(ms(b.valid_from)).toBe(ms(T(10))); // no creation_time: capture time
    expect(b).toMatchObject({ inferred: false, site_id: 's2', site_name: 'Annex', phone_numbers: [] }); // directory fills ext NULLs
    const [c] = await s.versions(103);
    expect(ms(c.valid_from)).toBe(ms(T(10))); // creation_time after capture is ignored
    expect(c).toMatchObject({ inferred: false, phone_numbers: null }); // not in a complete directory
  });

  it('noise (whitespace, key/array order, email case, untracked fields) never creates a version', async () => {
    const noisyAnn: ExtensionRecord = {
      ...ann, name: '  Ann \t Lee ', email: 'ANN@Example.com ', department: 'Sales\n', creationTime: T(2),
      extra: { permissions: { admin: true }, statusInfo: { reason: 'x' } },
    };
    const noisyDir: DirectoryRecord = {
      ...annDir, name: 'Ann  Lee', extra: { account: { id: '1' } }, type: 'Other', // ext type wins over directory
      phoneNumbers: [{ usageType: ' DirectNumber', formattedPhoneNumber: '(555) 0001', type: 'VoiceFax', phoneNumber: '+15550001' }],
    };
    const s = await setup([{ at: T(10), ext: [ann, bob] }, { at: T(11), ext: [noisyAnn, bob], dir: [noisyDir, bobDir] }]);
    await s.merge(0);
    expect(await s.merge(1)).toEqual({ inserted: 0, closed: 0, deleted: 0, unchanged: 2, alreadyMerged: false });
    expect(await s.versions(101)).toHaveLength(1);
  });

  it('a tracked change, a value -> NULL and a directory-only phone change each open a version, contiguously', async () => {
    const s = await setup([
      { at: T(10), ext: [ann, bob] },
      { at: T(11), ext: [{ ...ann, jobTitle: 'Lead' }, bob] },
      { at: T(12), ext: [{ ...ann, jobTitle: 'Lead', costCenter: null }, bob] },
      { at: T(13), ext: [{ ...ann, jobTitle: 'Lead', costCenter: null }, bob], dir: [{ ...annDir, phoneNumbers: [] }, bobDir] },
      { at: T(14), ext: [{ ...ann, jobTitle: 'Lead', costCenter: null }, bob], dir: [annDir, { ...bobDir, siteName: 'Annex 2' }] },
    ]);
    for (let i = 0; i < 5; i++) await s.merge(i);
    const v = await s.versions(101);
    expect(v.map((r) => [r.job_title, r.cost_center, (r.phone_numbers as unknown[]).length])).toEqual([
      ['Rep', 'CC1', 1], ['Lead', 'CC1', 1], ['Lead', null, 1], ['Lead', null, 0], ['Lead', null, 1],
    ]);
    for (let i = 1; i < v.length; i++) expect(v[i - 1].valid_to).toBe(v[i].valid_from);
    expect(v.map((r) => r.is_current)).toEqual([false, false, false, false, true]);
    expect((await s.versions(102)).map((r) => r.site_name)).toEqual(['Annex', 'Annex 2']); // directory-only site change
  });

  it('incomplete directory: attributes of extensions it lacks keep their values; a complete one clears them', async () => {
    const s = await setup([
      { at: T(10), ext: [ann, bob] },
      { at: T(11), ext: [ann, bob], dir: [annDir], dirComplete: false },
      { at: T(12), ext: [ann, bob], dir: null },
      { at: T(13), ext: [ann, bob], dir: [annDir] },
    ]);
    await s.merge(0);
    expect(await s.merge(1)).toMatchObject({ inserted: 0, unchanged: 2 });
    expect(await s.merge(2)).toMatchObject({ inserted: 0, unchanged: 2 });
    expect(await s.merge(3)).toMatchObject({ inserted: 1, closed: 1, unchanged: 1 });
    expect((await s.versions(102)).map((r) => [r.site_name, r.phone_numbers])).toEqual([['Annex', []], [null, null]]);
  });

  it('vanished from a complete snapshot -> tombstone with copied attributes; reappearing opens a live version', async () => {
    const s = await setup([{ at: T(10), ext: [ann, bob] }, { at: T(11), ext: [bob] }, { at: T(12), ext: [bob] }, { at: T(13), ext: [ann, bob] }]);
    await s.merge(0);
    expect(await s.merge(1)).toEqual({ inserted: 0, closed: 1, deleted: 1, unchanged: 1, alreadyMerged: false });
    expect(await s.merge(2)).toEqual({ inserted: 0, closed: 0, deleted: 0, unchanged: 1, alreadyMerged: false });
    expect(await s.merge(3)).toEqual({ inserted: 1, closed: 1, deleted: 0, unchanged: 1, alreadyMerged: false });
    const v = await s.versions(101);
    expect(v.map((r) => [r.is_deleted, r.name, r.is_current])).toEqual([[false, 'Ann Lee', false], [true, 'Ann Lee', false], [false, 'Ann Lee', true]]);
    expect(ms(v[1].valid_from)).toBe(ms(T(11)));
    expect(v[1].row_hash).toBe(v[0].row_hash);
    const asOf = async (t: string) =>
      (await db.pool.query('SELECT extension_id FROM ringcentral.extension_as_of($1, $2)', [s.accountId, t])).rows.map((r) => r.extension_id);
    expect(await asOf(T(10, 5))).toEqual([101, 102]);
    expect(await asOf(T(11, 5))).toEqual([102]);
    expect(await asOf(T(13))).toEqual([101, 102]);
    const current = await db.pool.query('SELECT extension_id FROM ringcentral.dim_extension_current WHERE account_id = $1 ORDER BY 1', [s.accountId]);
    expect(current.rows.map((r) => r.extension_id)).toEqual([101, 102]);
  });

  it('incomplete extension snapshot: refused by default; with allowIncomplete it updates but deletes nothing', async () => {
    const s = await setup([{ at: T(10), ext: [ann, bob] }, { at: T(11), ext: [{ ...bob, name: 'Robert Roe' }], extComplete: false }]);
    await s.merge(0);
    const before = await dumpDimension(db.pool, s.accountId);
    await expect(s.merge(1)).rejects.toMatchObject({ reason: 'incomplete-snapshot', message: expect.stringMatching(/incomplete/) });
    expect(await dumpDimension(db.pool, s.accountId)).toEqual(before);
    expect(await s.merge(1, true)).toEqual({ inserted: 1, closed: 1, deleted: 0, unchanged: 0, alreadyMerged: false });
    expect((await s.versions(101)).map((r) => r.is_deleted)).toEqual([false]);
    expect((await s.versions(102)).map((r) => r.name)).toEqual(['Bob Roe', 'Robert Roe']);
  });

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

  it('refuses a run without an extensions snapshot, or of another account', async () => {
    const s = await setup([{ at: T(10), ext: [ann] }]);
    await expect(mergeExtensionDimension(db.pool, { accountId: s.accountId, runId: 'nope' })).rejects.toMatchObject({ reason: 'no-snapshot' });
    await expect(mergeExtensionDimension(db.pool, { accountId: 'other', runId: s.runIds[0] })).rejects.toMatchObject({ reason: 'account-mismatch' });
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
