/**
 * The final step of every sync: merge the run's snapshots into the SCD2 extension dimension,
 * then drop the account's snapshots that fell out of the retention window.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { timeMerge } from '../metrics/product';
import { DEFAULT_SNAPSHOT_RETENTION_DAYS, DimensionMergeRefused, mergeExtensionDimension, pruneMergedSnapshots } from '../warehouse/scd2';
import type { ActivityDeps } from './deps';

export function dimensionActivities(deps: ActivityDeps) {
  return {
    async mergeExtensionDimension(input: { accountId: string; runId: string }) {
      let merged;
      try {
        // The snapshot activity has finished by now: if the list still came up short after
        // re-paging, merge what arrived without deleting anything (the merge's incomplete mode).
        merged = await timeMerge(input.accountId, () => mergeExtensionDimension(deps.pool, { accountId: input.accountId, runId: input.runId, allowIncomplete: true }));
      } catch (err) {
        // A refused merge (older or incomplete snapshot) will be refused again: fail fast, say why.
        if (err instanceof DimensionMergeRefused) throw ApplicationFailure.nonRetryable(err.message, 'DimensionMergeRefused', { reason: err.reason });
        throw err;
      }
      // After the merge committed (a retry finds it merged and prunes again): only merged or
      // never-mergeable snapshots are pruned, so this can never lose input.
      const retentionDays = deps.snapshotRetentionDays ?? DEFAULT_SNAPSHOT_RETENTION_DAYS;
      const pruned = await pruneMergedSnapshots(deps.pool, { accountId: input.accountId, retentionDays });
      return { ...merged, snapshotRunsPruned: pruned.runs };
    },
  };
}
