/**
 * Migration 031 repairs dimensions the pre-issue-9 merge backdated across observed snapshots:
 * rewind random histories to the old rule (first versions from creation_time), run the
 * repair, and the dimension again agrees with every fed snapshot (observed.ts).
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { loadMigrations } from '../../src/warehouse/migrate';
import { useScenarioDatabase } from './fixtures';
import { contradictedSnapshots, feedAndMerge, sharedNumbers, snapshotSequenceArb } from './observed';

const db = useScenarioDatabase();
const REPAIR = loadMigrations().find((m) => m.version === 31)!.sql;
let brokenByOldRule = 0;

it('031 makes a dimension backdated by the old rule agree with its snapshots again', async () => {
  await fc.assert(
    fc.asyncProperty(snapshotSequenceArb, async (sequence) => {
      const accountId = await feedAndMerge(db.pool, sequence);
      // What the old merge wrote: every first version seen after its creation_time starts there.
      await db.pool.query(
        `UPDATE ringcentral.dim_extension d SET valid_from = d.creation_time, attributes_inferred_before_first_snapshot = true
           FROM ringcentral.dim_extension_merge m
          WHERE d.account_id = $1 AND m.run_id = d.created_by_run_id AND d.creation_time < m.captured_at
            AND NOT EXISTS (SELECT 1 FROM ringcentral.dim_extension e WHERE e.account_id = d.account_id
                             AND e.extension_id = d.extension_id AND e.valid_from < d.valid_from)`,
        [accountId],
      );
      const unobserved = async () => (await sharedNumbers(db.pool, accountId)).filter((o) => !o.observed);
      if ((await contradictedSnapshots(db.pool, accountId)).length + (await unobserved()).length > 0) brokenByOldRule++;
      await db.pool.query(REPAIR);
      expect(await contradictedSnapshots(db.pool, accountId)).toEqual([]);
      expect(await unobserved()).toEqual([]);
    }),
    { numRuns: 60 },
  );
  expect(brokenByOldRule).toBeGreaterThan(0);
}, 180_000);
