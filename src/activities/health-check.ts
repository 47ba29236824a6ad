import { Context } from '@temporalio/activity';
import type { Pool } from '../warehouse/db';

/** Proves the path worker -> activity -> Postgres; `rcsync check` runs it. */
export function healthCheckActivities(deps: { pool: Pool }) {
  return {
    async recordHealthCheck(): Promise<{ id: number }> {
      const { workflowExecution } = Context.current().info;
      const { rows } = await deps.pool.query<{ id: number }>(
        'INSERT INTO ringcentral.health_check (workflow_id, worker) VALUES ($1, $2) RETURNING id',
        [workflowExecution?.workflowId ?? 'standalone', `pid-${process.pid}`],
      );
      return { id: rows[0].id };
    },
  };
}
