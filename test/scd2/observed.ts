/**
 * What the dimension must never contradict: the snapshots it was fed. Random snapshot
 * sequences (ids appearing, leaving, swapping recycled numbers, complete or not) and two checks
 * run against the fed snapshot rows themselves, not against a model of the merge.
 */
import fc from 'fast-check';
import { mergeExtensionDimension } from '../../src/warehouse/scd2';
import type { Pool } from '../../src/warehouse/db';
import { uniqueName } from '../support/stack';
import { writeSnapshot, type ExtensionRecord } from './snapshots';

const IDS = [21, 22, 23, 24, 25, 26];
const NUMBERS = ['100', ' 100', '101', '102', null]; // few numbers: they are recycled; ' 100' is noise
// A complete, empty directory: the list alone decides (an absent directory would carry cleared values over).
const NO_DIRECTORY_ENTRIES: never[] = [];

const stepArb = fc.record({
  gapMinutes: fc.integer({ min: 1, max: 2 * 1440 }),
  complete: fc.integer({ min: 0, max: 3 }).map((n) => n > 0),
  listed: fc.array(fc.integer({ min: 0, max: 2 }).map((n) => n > 0), { minLength: IDS.length, maxLength: IDS.length }),
  numbers: fc.array(fc.nat(NUMBERS.length - 1), { minLength: IDS.length, maxLength: IDS.length }),
  renamed: fc.array(fc.boolean(), { minLength: IDS.length, maxLength: IDS.length }),
});
export const snapshotSequenceArb = fc.record({
  // Minutes from the first capture: mostly long before it (backdating), sometimes unknown or later.
  creation: fc.array(fc.option(fc.integer({ min: -30 * 1440, max: 3 * 1440 }), { freq: 4 }), { minLength: IDS.length, maxLength: IDS.length }),
  steps: fc.array(stepArb, { minLength: 2, maxLength: 8 }),
});
export type SnapshotSequence = typeof snapshotSequenceArb extends fc.Arbitrary<infer T> ? T : never;

/** Writes and merges the sequence for a fresh account (incomplete lists merged without deletions). */
export async function feedAndMerge(pool: Pool, { creation, steps }: SnapshotSequence): Promise<string> {
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
    if (extensions.length === 0) continue; // an empty complete list is refused: not these checks' subject
    const runId = uniqueName('run');
    await writeSnapshot(pool, { accountId, runId, capturedAt: new Date(t), extensions, extensionsComplete: step.complete, directory: NO_DIRECTORY_ENTRIES });
    await mergeExtensionDimension(pool, { accountId, runId, allowIncomplete: true });
  }
  return accountId;
}

/** Rows where extension_as_of(T) differs from the list of a merged complete snapshot captured at T. */
export async function contradictedSnapshots(pool: Pool, accountId: string): Promise<unknown[]> {
  const listed = `SELECT e.extension_id, ringcentral.dim_norm_text(e.extension_number), ringcentral.dim_norm_text(e.name)
                    FROM ringcentral.extension_snapshot e WHERE e.run_id = m.run_id`;
  const asOf = `SELECT a.extension_id, a.extension_number, a.name FROM ringcentral.extension_as_of(m.account_id, m.captured_at) a`;
  const { rows } = await pool.query(
    `SELECT m.run_id, x.* FROM ringcentral.dim_extension_merge m
       CROSS JOIN LATERAL ((${asOf} EXCEPT ALL ${listed}) UNION ALL (${listed} EXCEPT ALL ${asOf})) x
      WHERE m.account_id = $1 AND m.extensions_complete`,
    [accountId],
  );
  return rows;
}

/**
 * Overlaps of two live holders of one number, each with `observed`: whether it starts at the
 * capture time of a merged snapshot that listed both with that number (or, if that snapshot
 * was incomplete and so proved no departure, one of them).
 */
export async function sharedNumbers(pool: Pool, accountId: string): Promise<Array<{ observed: boolean }>> {
  const { rows } = await pool.query(
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
  return rows;
}
