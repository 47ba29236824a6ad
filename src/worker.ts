/**
 * Wiring only: a Temporal worker that runs our workflows and activities.
 * Production loads the prebuilt workflow bundle (`npm run build`); development and tests
 * bundle from source.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from './activities';
import { dataConverter } from './codec';
import { legacyInputInterceptor } from './activities/legacy-input';
import { logContextInterceptor } from './activities/log-context';

// Resolved by hand: under tsx/vitest the source is .ts, in dist it is .js.
export const WORKFLOWS_PATH = ['index.ts', 'index.js']
  .map((file) => path.join(__dirname, 'workflows', file))
  .find((candidate) => existsSync(candidate))!;
const PREBUILT_BUNDLE = path.resolve(__dirname, '..', 'workflow-bundle.js');

export interface WorkerParams extends ActivityDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  options?: Partial<WorkerOptions>;
}

export async function createWorker(params: WorkerParams): Promise<Worker> {
  const { connection, namespace, taskQueue, options, ...deps } = params;
  const workflowSource = existsSync(PREBUILT_BUNDLE)
    ? { workflowBundle: { codePath: PREBUILT_BUNDLE } }
    : { workflowsPath: WORKFLOWS_PATH };
  // Payload encryption when RCSYNC_ENCRYPTION_KEYS is set; the same converter as the CLI's.
  const converter = dataConverter();
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    ...workflowSource,
    // The worker's own connection also serves the activities' questions to Temporal.
    activities: createActivities({ ...deps, temporal: deps.temporal ?? new Client({ connection, namespace, dataConverter: converter }) }),
    dataConverter: converter,
    ...options,
    interceptors: { ...options?.interceptors, activity: [legacyInputInterceptor, logContextInterceptor(deps.pool), ...(options?.interceptors?.activity ?? [])] },
  });
}
