/**
 * All activities, built by one factory that receives their dependencies
 * (Temporal's activities-dependency-injection pattern). Workflows import only the type.
 * Activities return counts, cursors and times: never records, names or numbers.
 */
import { callLogActivities } from './call-log';
import { callLogSyncActivities } from './call-log-sync';
import type { ActivityDeps } from './deps';
import { dimensionActivities } from './dimension';
import { healthCheckActivities } from './health-check';
import { messageExportActivities } from './message-export';
import { messageActivities } from './messages';
import { requestPlanActivities } from './request-plan';
import { pushActivities } from './push';
import { runActivities } from './runs';
import { snapshotActivities } from './snapshots';

export type { ActivityDeps } from './deps';

export function createActivities(deps: ActivityDeps) {
  return {
    ...healthCheckActivities(deps),
    ...runActivities(deps),
    ...requestPlanActivities(deps),
    ...snapshotActivities(deps),
    ...callLogActivities(deps),
    ...callLogSyncActivities(deps),
    ...messageActivities(deps),
    ...messageExportActivities(deps),
    ...dimensionActivities(deps),
    ...pushActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
