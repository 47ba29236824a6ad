/**
 * Property: whatever the merge infers (backdated first versions), the dimension never
 * contradicts a snapshot it was fed. Checked against the snapshot rows themselves, not a model:
 * - for every merged complete snapshot captured at T, extension_as_of(T) is exactly its list
 *   (ids, numbers, names);
 * - no number has two live holders at any instant unless a snapshot showed both: every overlap
 *   starts at the capture time of a merged snapshot that listed both with that number (or, if
 *   that snapshot was incomplete and so proved no departure, listed one of them).
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { mergeExtensionDimension } from '../../src/warehouse/scd2';
import { uniqueName } from '../support/stack';
import { useScenarioDatabase } from './fixtures';
import { writeSnapshot, type ExtensionRecord } from './snapshots';

const db = useScenarioDatabase();
const IDS = [21, 22, 23, 24, 25, 26];
const NUMBERS = ['100', ' 100', '101', '102', null]; // few numbers: they are recycled; ' 100' is noise

const stepArb = fc.record({
  gapMinutes: fc.integer({ min: 1, max: 2 * 1440 }),
  complete: fc.integer({ min: 0, max: 3 }).map((n) => n > 0),
  listed: fc.array(fc.integer({ min: 0, max: 2 }).map((n) => n > 0), { minLength: IDS.length, maxLength: IDS.length }),
  numbers: fc.array(fc.nat(NUMBERS.length - 1), { minLength: IDS.length, maxLength: IDS.length }),
  renamed: fc.array(fc.boolean(), { minLength: IDS.length, maxLength: IDS.length }),
});
const scenarioArb = fc.record({
  // Minutes from the first capture: mostly long before it (backdating), sometimes unknown or later.
  creation: fc.array(fc.option(fc.integer({ min: -30 * 1440, max: 3 * 1440 }), { freq: 4 }), { minLength: IDS.length, maxLength: IDS.length }),
  steps: fc.array(stepArb, { minLength: 2, maxLength: 8 }),
});

// A complete, empty directory: the list alone decides (an absent directory would carry cleared values over).
const NO_DIRECTORY_ENTRIES: never[] = [];
const seen = { inferred: 0, clippedAfterCreation: 0, overlaps: 0 };

it('the dimension agrees with every complete snapshot it merged, and numbers have one holder unless observed', async () => {
  await fc.assert(
    fc.asyncProperty(scenarioArb, async ({ creation, steps }) => {
      const accountId = uniqueName('obs');
      const base = Date.UTC(2025, 6, 1);
      let t = base;
      for (const [k, step] of steps.entries()) {
        t += step.gapMinutes * 60_000;
        const extensions: ExtensionRecord[] = IDS.flatMap((id, i) => {
          if (!step.listed[i]) return [];
          const c = creation[i];
          return [{
            id, extensionNumber: NUMBERS[step.numbers[i]], name: step.renamed[i] ? `Person ${id} (${k})` : `Person ${id}`,
            type: 'User', status: 'Enabled', creationTime: c === null ? null : new Date(base + c * 60_000).toISOString(),
          }];
        });
        if (extensions.length === 0) continue; // an empty complete list is refused: not this property's subject
        const runId = uniqueName('run');
        await writeSnapshot(db.pool, { accountId, runId, capturedAt: new Date(t), extensions, extensionsComplete: step.complete, directory: NO_DIRECTORY_ENTRIES });
        await mergeExtensionDimension(db.pool, { accountId, runId, allowIncomplete: true });
      }

      // 1. extension_as_of(T) of every merged complete snapshot = that snapshot's list, canonicalised.
      const { rows: mismatches } = await db.pool.query(
        `SELECT m.run_id, x.*
           FROM ringcentral.dim_extension_merge m
           CROSS JOIN LATERAL (
             (SELECT a.extension_id, a.extension_number, a.name FROM ringcentral.extension_as_of(m.account_id, m.captured_at) a
              EXCEPT ALL
              SELECT e.extension_id, ringcentral.dim_norm_text(e.extension_number), ringcentral.dim_norm_text(e.name)
                FROM ringcentral.extension_snapshot e WHERE e.run_id = m.run_id)
             UNION ALL
             (SELECT e.extension_id, ringcentral.dim_norm_text(e.extension_number), ringcentral.dim_norm_text(e.name)
                FROM ringcentral.extension_snapshot e WHERE e.run_id = m.run_id
              EXCEPT ALL
              SELECT a.extension_id, a.extension_number, a.name FROM ringcentral.extension_as_of(m.account_id, m.captured_at) a)
           ) x
          WHERE m.account_id = $1 AND m.extensions_complete`,
        [accountId],
      );
      expect(mismatches, JSON.stringify(mismatches)).toEqual([]);

      // 2. Two live holders of one number only from a capture time that showed them.
      const { rows: overlaps } = await db.pool.query(
        `WITH live AS (SELECT * FROM ringcentral.dim_extension WHERE account_id = $1 AND NOT is_deleted AND extension_number IS NOT NULL),
              pair AS (
                SELECT a.extension_number, a.extension_id AS a_id, b.extension_id AS b_id, greatest(a.valid_from, b.valid_from) AS since
                  FROM live a JOIN live b ON a.extension_number = b.extension_number AND a.extension_id < b.extension_id
                   AND a.valid_from < b.valid_to AND b.valid_from < a.valid_to)
         SELECT p.*, EXISTS (
                  SELECT 1 FROM ringcentral.dim_extension_merge m JOIN ringcentral.snapshot sn ON sn.run_id = m.run_id AND sn.stream = 'extensions'
                   WHERE m.account_id = $1 AND m.captured_at = p.since
                     AND (SELECT count(*) FROM ringcentral.extension_snapshot e
                           WHERE e.run_id = m.run_id AND e.extension_id IN (p.a_id, p.b_id)
                             AND ringcentral.dim_norm_text(e.extension_number) = p.extension_number)
                         >= CASE WHEN sn.completed_at IS NULL THEN 1 ELSE 2 END) AS observed
           FROM pair p`,
        [accountId],
      );
      for (const o of overlaps) expect(o, JSON.stringify(o)).toMatchObject({ observed: true });
      seen.overlaps += overlaps.length;

      const { rows: [stats] } = await db.pool.query(
        `SELECT count(*) FILTER (WHERE attributes_inferred_before_first_snapshot)::int AS inferred,
                count(*) FILTER (WHERE attributes_inferred_before_first_snapshot AND valid_from > creation_time)::int AS clipped
           FROM ringcentral.dim_extension WHERE account_id = $1`,
        [accountId],
      );
      seen.inferred += stats.inferred;
      seen.clippedAfterCreation += stats.clipped;
    }),
    { numRuns: 60 },
  );
  // The generator reached what the properties are about.
  for (const [what, n] of Object.entries(seen)) expect(n, what).toBeGreaterThan(0);
}, 180_000);
