/**
 * A new extension's first version is backdated to its creationTime, but never into history a
 * complete snapshot observed without it, and never so that its number has two holders.
 */
import { describe, expect, it } from 'vitest';
import { ann, bob, ms, T, useScenarioDatabase } from './fixtures';

const db = useScenarioDatabase();
const { setup } = db;
const asOf = async (accountId: string, t: string) =>
  (await db.pool.query('SELECT extension_id FROM ringcentral.extension_as_of($1, $2)', [accountId, t])).rows.map((r) => r.extension_id);
const holders = async (accountId: string, number: string, t: string) =>
  (await db.pool.query('SELECT extension_id FROM ringcentral.extension_holder($1, $2, $3)', [accountId, number, t])).rows.map((r) => r.extension_id);

describe('first-version backdating', () => {
  it('starts just after the newest complete snapshot that did not list the extension', async () => {
    const s = await setup([{ at: T(10), ext: [bob] }, { at: T(12), ext: [bob, ann] }]); // ann created T(1)
    await s.merge(0);
    await s.merge(1);
    const [a] = await s.versions(101);
    expect(ms(a.valid_from)).toBe(ms(T(10)));
    expect(a.valid_from).toBe('2025-01-10T00:00:00.000001+00:00'); // 1 µs after the capture that lacked it
    expect(a.inferred).toBe(true);
    expect(await asOf(s.accountId, T(10))).toEqual([102]); // what the list at T(10) said
    expect(await asOf(s.accountId, T(11))).toEqual([101, 102]); // inferred: created T(1), first listed T(12)
  });

  it('an incomplete snapshot lacking it proves nothing: backdated to creation_time', async () => {
    const s = await setup([{ at: T(10), ext: [bob], extComplete: false }, { at: T(12), ext: [bob, ann] }]);
    await s.merge(0, true);
    await s.merge(1);
    expect(ms((await s.versions(101))[0].valid_from)).toBe(ms(T(1)));
  });

  it('an unmerged complete snapshot (a backfill takes one for its message stores) counts as observed', async () => {
    const s = await setup([{ at: T(10), ext: [bob] }, { at: T(11), ext: [bob] }, { at: T(12), ext: [bob, ann] }]);
    await s.merge(0);
    await s.merge(2); // run 1 is never merged
    expect(ms((await s.versions(101))[0].valid_from)).toBe(ms(T(11)));
  });

  it('is clipped to start after the number was last held by another extension', async () => {
    // Bob holds 421 until T(11), when he moves to 500; Cy (created T(2)) is first listed with 421 at T(13).
    const cy = { ...bob, id: 103, name: 'Cy', creationTime: T(2) };
    const s = await setup([
      { at: T(10), ext: [bob], extComplete: false },
      { at: T(11), ext: [{ ...bob, extensionNumber: '500' }], extComplete: false },
      { at: T(13), ext: [{ ...bob, extensionNumber: '500' }, cy] },
    ]);
    for (const i of [0, 1, 2]) await s.merge(i, true);
    const [c] = await s.versions(103);
    expect(ms(c.valid_from)).toBe(ms(T(11)));
    expect(c.inferred).toBe(true);
    expect(await holders(s.accountId, '421', T(10, 12))).toEqual([102]);
    expect(await holders(s.accountId, '421', T(12))).toEqual([103]);
  });

  it('is not backdated at all while another extension still holds the number', async () => {
    // Incomplete snapshots never close Bob's 421; Cy is listed with 421 beside him.
    const cy = { ...bob, id: 103, name: 'Cy', creationTime: T(2) };
    const twin = { ...bob, id: 104, name: 'Di', extensionNumber: '777', creationTime: T(3) };
    const s = await setup([
      { at: T(10), ext: [bob], extComplete: false },
      { at: T(13), ext: [cy, twin, { ...twin, id: 105, name: 'Ed' }], extComplete: false },
    ]);
    await s.merge(0, true);
    await s.merge(1, true);
    for (const id of [103, 104, 105]) {
      const [v] = await s.versions(id);
      expect([id, ms(v.valid_from), v.inferred]).toEqual([id, ms(T(13)), false]);
    }
    expect(await holders(s.accountId, '421', T(12))).toEqual([102]);
    expect(await holders(s.accountId, '777', T(12))).toEqual([]);
  });
});
