/** The final step of every sync: merge the run's snapshots into the SCD2 extension dimension. */
import { mergeExtensionDimension } from '../warehouse/scd2/merge';
import type { ActivityDeps } from './deps';

export function dimensionActivities(deps: ActivityDeps) {
  return {
    async mergeExtensionDimension(input: { accountKey: string; runId: string }) {
      return mergeExtensionDimension(deps.pool, { accountId: input.accountKey, runId: input.runId });
    },
  };
}
