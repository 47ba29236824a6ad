/**
 * Chaos: the Temporal server itself restarts (same database file, same port) in the middle of
 * a backfill. The worker process and the client reconnect on their own; the run completes,
 * the warehouse equals the simulator's ground truth, and no page is fetched twice beyond the
 * one in flight at the interruption.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/infra/processes';
import { startTemporalDevServer, type DevServer } from '../../src/infra/temporal-dev-server';
import { backfillWorkflow } from '../../src/workflows';
import { ACCOUNT, expectCallLogEqualsTruth, stackEnv, useSyncStack } from '../support/sync-harness';
import { spawnWorkerProcess, type WorkerProcess } from '../support/worker-process';

const HOUR = 3_600_000;

describe('chaos: Temporal server restart mid-backfill', () => {
  const stack = useSyncStack({ seed: 44, extensions: 10, days: 1, callsPerExtensionPerDay: 60 }, undefined, 0);
  const dir = mkdtempSync(path.join(tmpdir(), 'temporal-restart-'));
  let server: DevServer | undefined;
  let worker: WorkerProcess | undefined;
  let connection: Connection | undefined;
  afterAll(async () => {
    worker?.kill();
    await connection?.close().catch(() => undefined);
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the backfill completes exactly, with at most one page re-fetched', async () => {
    const port = await freePort();
    const serverOptions = { headless: true, port, dbFilename: path.join(dir, 'temporal.db'), log: () => {} };
    server = await startTemporalDevServer(serverOptions);
    worker = spawnWorkerProcess({ ...stackEnv(stack), TEMPORAL_ADDRESS: server.address, RCSYNC_MAX_PAGE_SIZE: '5' });
    connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });

    stack.sim.faults.add({ kind: 'slow', delayMs: 200, probability: 1, match: { path: /call-log/ } });
    const now = stack.sim.clock.now();
    const from = new Date(now - 24 * HOUR).toISOString();
    const to = new Date(now - 10 * 60_000).toISOString();
    const workflowId = `restart-${stack.taskQueue}`;
    await client.workflow.start(backfillWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId,
      args: [{ accountId: ACCOUNT, from, to, streams: ['call_log'], windowMs: 24 * HOUR }],
    });
    const pages = () => stack.sim.requestLog().filter((r) => r.path.includes('/call-log') && r.status === 200).length;
    const deadline = Date.now() + 90_000;
    while (pages() < 8 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(pages(), worker.tail()).toBeGreaterThanOrEqual(8);

    expect((await client.workflow.getHandle(workflowId).describe()).status.name).toBe('RUNNING');
    await server.stop();
    await new Promise((r) => setTimeout(r, 2_000));
    server = await startTemporalDevServer(serverOptions);

    // The same server: the run started before the restart is still there and finishes.
    await client.workflow.getHandle(workflowId).result();
    stack.sim.faults.clear();
    await expectCallLogEqualsTruth(stack, from, to);

    const fetches = new Map<string, number>();
    for (const r of stack.sim.requestLog()) if (r.path.includes('/call-log') && r.status === 200) fetches.set(r.path, (fetches.get(r.path) ?? 0) + 1);
    expect([...fetches.values()].filter((n) => n > 1).length).toBeLessThanOrEqual(1);
  }, 240_000);
});
