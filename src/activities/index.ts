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
import { messageActivities } from './messages';
import { pushActivities } from './push';
import { runActivities } from './runs';
import { snapshotActivities } from './snapshots';

export type { ActivityDeps } from './deps';

export function createActivities(deps: ActivityDeps) {
  return {
    ...healthCheckActivities(deps),
    ...runActivities(deps),
    ...snapshotActivities(deps),
    ...callLogActivities(deps),
    ...callLogSyncActivities(deps),
    ...messageActivities(deps),
    ...dimensionActivities(deps),
    ...pushActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
