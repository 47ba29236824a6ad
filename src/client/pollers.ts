/** Before waiting on a workflow, make sure some worker would run it: otherwise waiting is silent forever. */
import type { Connection } from '@temporalio/client';
import { fail } from './errors';

// Enum values of temporal.api.enums.v1 (the proto package is not a direct dependency).
const TASK_QUEUE_KIND_NORMAL = 1;
const TASK_QUEUE_TYPE_WORKFLOW = 1;

const noWorkerMessage = (taskQueue: string) => `No worker is polling task queue "${taskQueue}": start \`rcsync worker\` (with TEMPORAL_TASK_QUEUE=${taskQueue}) and try again.`;

/**
 * Temporal lists the workers that polled the queue recently; none means nothing will make progress.
 * "Recently" is the server's poller history (minutes): a worker stopped just before still counts.
 */
export async function requireWorker(connection: Connection, namespace: string, taskQueue: string): Promise<void> {
  const response = await connection.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: taskQueue, kind: TASK_QUEUE_KIND_NORMAL },
    taskQueueType: TASK_QUEUE_TYPE_WORKFLOW,
  });
  if ((response.pollers ?? []).length === 0) fail(noWorkerMessage(taskQueue));
}
