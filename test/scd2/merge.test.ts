import { describe, expect, it } from 'vitest';
import { ann, annDir, bob, bobDir, ms, useScenarioDatabase, T } from './fixtures';
import { dumpDimension, type DirectoryRecord, type ExtensionRecord } from './snapshots';

const db = useScenarioDatabase();
const { setup } = db;

describe('mergeExtensionDimension: versions', () => {
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

});
