/**
 * All activities, built by one factory that receives their dependencies
 * (Temporal's activities-dependency-injection pattern). Workflows import only the type.
 */
import type { Pool } from '../warehouse/db';
import { healthCheckActivities } from './health-check';

export interface ActivityDeps {
  pool: Pool;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...healthCheckActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
