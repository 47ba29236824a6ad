/** What `--wait` progress and `rcsync status` tell about a run once it has ended. */
import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { run } from '../../src/client/main';
import { followWorkflow } from '../../src/client/progress';
import { accountSyncWorkflow, backfillWorkflow } from '../../src/workflows';
import { ACCOUNT, useSyncStack } from '../support/sync-harness';

const HOUR = 3_600_000;

describe('run status after the end', () => {
  const stack = useSyncStack({ days: 2 });
  let errors: string[];
  const saved = { ...process.env };
  beforeEach(() => {
    errors = [];
    vi.spyOn(console, 'error').mockImplementation((...a) => void errors.push(a.join(' ')));
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    process.env = { ...saved, TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_TASK_QUEUE: stack.taskQueue };
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.env = { ...saved };
  });

  it('the last progress line of a finished backfill is its final state, every window counted', async () => {
    const now = stack.sim.clock.now();
    const handle = await stack.client.workflow.start(backfillWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `progress-final-${Date.now()}`,
      args: [{ accountId: ACCOUNT, from: new Date(now - 40 * HOUR).toISOString(), to: new Date(now - HOUR).toISOString(), streams: ['call_log'], windowMs: 12 * HOUR }],
    });
    const lines: string[] = [];
    const out = { isTTY: false, write: (chunk: string) => (lines.push(chunk.trimEnd()), true) } as unknown as NodeJS.WritableStream;
    const result = await followWorkflow<{ callLog: { nextIndex: number; windows: number; records: number } }>(stack.client, handle, out);
    const last = lines.at(-1)!;
    expect(last, lines.join('\n')).toMatch(/^done /);
    expect(result.callLog.windows).toBe(4);
    expect(last).toContain(`${result.callLog.windows}/${result.callLog.windows} windows`);
    expect(last).toContain(`${result.callLog.records} records`);
  });

  it('status of a failed run prints the failure and its cause, exit 1', async () => {
    // The worker knows only ACCOUNT: a sync of another account fails for good.
    const workflowId = `failing-sync-${Date.now()}`;
    const handle = await stack.client.workflow.start(accountSyncWorkflow, { taskQueue: stack.taskQueue, workflowId, args: [{ accountId: 'ghost' }] });
    await expect(handle.result()).rejects.toThrow();
    expect(await run(['status', workflowId])).toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^rcsync: ${workflowId}: FAILED: .+: Account "ghost" is not configured on this worker`));
    errors.length = 0;
    expect(await run(['status', workflowId, '--wait'])).toBe(1);
    expect(errors[0]).toMatch(/FAILED: .*Account "ghost" is not configured/);
  });
});
