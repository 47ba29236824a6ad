import type { Client, Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorker } from '../../src/worker';
import { recordHistory } from '../support/histories';
import { checkWorkflow } from '../../src/workflows';
import { temporalClient, testDatabase, uniqueName, workerConnection } from '../support/stack';

describe('smoke: client -> real dev server -> worker -> activity -> real Postgres', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let client: Client;
  let connection: Connection;
  let nativeConnection: NativeConnection;

  beforeAll(async () => {
    db = await testDatabase();
    ({ client, connection } = await temporalClient());
    nativeConnection = await workerConnection();
  });
  afterAll(async () => {
    await connection?.close();
    await nativeConnection?.close();
    await db?.drop();
  });

  it('runs checkWorkflow and the row it wrote is in Postgres', async () => {
    const taskQueue = uniqueName('smoke');
    const worker = await createWorker({ connection: nativeConnection, namespace: 'default', taskQueue, pool: db.pool });
    const workflowId = uniqueName('check');
    const result = await worker.runUntil(
      client.workflow.execute(checkWorkflow, { taskQueue, workflowId }),
    );
    const { rows } = await db.pool.query('SELECT workflow_id FROM ringcentral.health_check WHERE id = $1', [result.healthCheckId]);
    expect(rows).toEqual([{ workflow_id: workflowId }]);
    await recordHistory(client, workflowId, 'check-workflow');
  });
});
