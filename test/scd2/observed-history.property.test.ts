/**
 * Property: whatever the merge infers (backdated first versions), the dimension never
 * contradicts a snapshot it was fed. Checked against the snapshot rows themselves (observed.ts):
 * - for every merged complete snapshot captured at T, extension_as_of(T) is exactly its list
 *   (ids, numbers, names);
 * - no number has two live holders at any instant unless a snapshot showed both.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { useScenarioDatabase } from './fixtures';
import { contradictedSnapshots, feedAndMerge, sharedNumbers, snapshotSequenceArb } from './observed';

const db = useScenarioDatabase();
const seen = { inferred: 0, clippedAfterCreation: 0, overlaps: 0 };

it('the dimension agrees with every complete snapshot it merged, and numbers have one holder unless observed', async () => {
  await fc.assert(
    fc.asyncProperty(snapshotSequenceArb, async (sequence) => {
      const accountId = await feedAndMerge(db.pool, sequence);
      const contradicted = await contradictedSnapshots(db.pool, accountId);
      expect(contradicted, JSON.stringify(contradicted)).toEqual([]);
      const overlaps = await sharedNumbers(db.pool, accountId);
      for (const o of overlaps) expect(o, JSON.stringify(o)).toMatchObject({ observed: true });

      const { rows: [stats] } = await db.pool.query(
        `SELECT count(*) FILTER (WHERE attributes_inferred_before_first_snapshot)::int AS inferred,
                count(*) FILTER (WHERE attributes_inferred_before_first_snapshot AND valid_from > creation_time)::int AS clipped
           FROM ringcentral.dim_extension WHERE account_id = $1`,
        [accountId],
      );
      seen.inferred += stats.inferred;
      seen.clippedAfterCreation += stats.clipped;
      seen.overlaps += overlaps.length;
    }),
    { numRuns: 100 },
  );
  // The generator reached what the properties are about.
  for (const [what, n] of Object.entries(seen)) expect(n, what).toBeGreaterThan(0);
}, 180_000);
