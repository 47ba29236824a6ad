/**
 * A worker process killed with SIGKILL in the middle of a stream: a new worker finishes it
 * from the checkpoint, re-fetching at most the page that was in flight.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Simulator } from '../../src/simulator';
import { backfillWorkflow } from '../../src/workflows';
import { ACCOUNT, startTestSimulator, testClient } from '../support/sync-harness';
import { testDatabase } from '../support/stack';

const ROOT = path.resolve(__dirname, '..', '..');
const HOUR = 3_600_000;

function spawnWorker(env: Record<string, string>): ChildProcess {
  // Its own process group, so SIGKILL reaches tsx's node child too.
  return spawn(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(ROOT, 'src', 'client', 'main.ts'), 'worker'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
}

const killGroup = (child: ChildProcess, signal: NodeJS.Signals) => {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    /* already gone */
  }
};

describe('crash recovery', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let sim: Simulator;
  let client: Client;
  let closeClient: () => Promise<void>;
  let taskQueue: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    db = await testDatabase();
    sim = await startTestSimulator({ seed: 33, extensions: 10, days: 1, callsPerExtensionPerDay: 60 });
    ({ client, close: closeClient, taskQueue } = await testClient());
  });
  afterAll(async () => {
    for (const c of children) killGroup(c, 'SIGKILL');
    await closeClient?.();
    await sim?.close();
    await db?.drop();
  });

  it('SIGKILL mid-stream, restart: the stream finishes and at most one page is fetched twice', async () => {
    const env = {
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: taskQueue,
      RC_ACCOUNT_KEY: ACCOUNT,
      RC_SERVER_URL: sim.url,
      RC_CLIENT_ID: sim.credentials.clientId,
      RC_CLIENT_SECRET: sim.credentials.clientSecret,
      RC_JWT: sim.credentials.jwt,
      RCSYNC_MAX_PAGE_SIZE: '5',
      RCSYNC_LOG_LEVEL: 'ERROR',
    };
    // Slow pages, so the kill lands mid-stream.
    sim.faults.add({ kind: 'slow', delayMs: 250, probability: 1, match: { path: /call-log/ } });
    const first = spawnWorker(env);
    children.push(first);
    const now = sim.clock.now();
    const from = new Date(now - 24 * HOUR).toISOString();
    const to = new Date(now - 10 * 60_000).toISOString();
    const handle = await client.workflow.start(backfillWorkflow, {
      taskQueue,
      workflowId: `crash-${taskQueue}`,
      args: [{ accountKey: ACCOUNT, from, to, streams: ['call_log'], windowMs: 24 * HOUR }],
    });
    const callLogPages = () => sim.requestLog().filter((r) => r.path.includes('/call-log') && r.status === 200).length;
    const deadline = Date.now() + 90_000;
    while (callLogPages() < 8 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(callLogPages()).toBeGreaterThanOrEqual(8);
    killGroup(first, 'SIGKILL');
    const pagesAtKill = callLogPages();

    children.push(spawnWorker(env));
    await handle.result();
    sim.faults.clear();

    const truth = sim.truth.callLog({ from, to, showDeleted: true });
    const { rows } = await db.pool.query('SELECT id FROM ringcentral.call_log_record WHERE start_time >= $1 AND start_time < $2', [from, to]);
    expect(rows.map((r) => r.id).sort()).toEqual(truth.map((r) => r.id as string).sort());
    expect(callLogPages()).toBeGreaterThan(pagesAtKill);

    const fetches = new Map<string, number>();
    for (const r of sim.requestLog()) if (r.path.includes('/call-log') && r.status === 200) fetches.set(r.path, (fetches.get(r.path) ?? 0) + 1);
    const refetched = [...fetches.values()].filter((n) => n > 1);
    expect(refetched.length).toBeLessThanOrEqual(1);
    expect(Math.max(...fetches.values())).toBeLessThanOrEqual(2);
  });
});
