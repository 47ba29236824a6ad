import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { recordHealthCheck } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 3 },
});

/** End-to-end health check: a worker picked up the task and wrote a row to the warehouse. */
export async function checkWorkflow(): Promise<{ healthCheckId: number }> {
  const { id } = await recordHealthCheck();
  return { healthCheckId: id };
}
