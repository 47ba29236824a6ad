import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { Client, Connection } from '@temporalio/client';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorker, WORKFLOWS_PATH } from '../../src/worker';
import { checkWorkflow } from '../../src/workflows';
import { temporalClient, testDatabase, uniqueName, workerConnection } from '../support/stack';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'histories', 'check-workflow.json');

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

    // RECORD_HISTORIES=1 refreshes the committed replay fixture from this real run.
    if (process.env.RECORD_HISTORIES === '1' || !existsSync(FIXTURE)) {
      const history = await client.workflow.getHandle(workflowId).fetchHistory();
      writeFileSync(FIXTURE, historyToJSON(history));
    }
  });

  it('replays the recorded history of a real run deterministically', async () => {
    const history = historyFromJSON(JSON.parse(readFileSync(FIXTURE, 'utf8')));
    await expect(Worker.runReplayHistory({ workflowsPath: WORKFLOWS_PATH }, history, 'check-fixture')).resolves.toBeUndefined();
  });
});
