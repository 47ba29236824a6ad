/** The final step of every sync: merge the run's snapshots into the SCD2 extension dimension. */
import { ApplicationFailure } from '@temporalio/activity';
import { timeMerge } from '../metrics/product';
import { DimensionMergeRefused, mergeExtensionDimension } from '../warehouse/scd2';
import type { ActivityDeps } from './deps';

export function dimensionActivities(deps: ActivityDeps) {
  return {
    async mergeExtensionDimension(input: { accountKey: string; runId: string }) {
      try {
        // The snapshot activity has finished by now: if the list still came up short after
        // re-paging, merge what arrived without deleting anything (the merge's incomplete mode).
        return await timeMerge(input.accountKey, () => mergeExtensionDimension(deps.pool, { accountId: input.accountKey, runId: input.runId, allowIncomplete: true }));
      } catch (err) {
        // A refused merge (older or incomplete snapshot) will be refused again: fail fast, say why.
        if (err instanceof DimensionMergeRefused) throw ApplicationFailure.nonRetryable(err.message, 'DimensionMergeRefused', { reason: err.reason });
        throw err;
      }
    },
  };
}
