/**
 * Inputs from before the account key was named `accountId` everywhere: schedules created then
 * still start syncs with `{accountKey}`, open runs carry it across continue-as-new, and queued
 * activity tasks hold it. All of them keep working.
 */
import { describe, expect, it } from 'vitest';
import { legacyInputInterceptor } from '../../src/activities/legacy-input';
import { ACCOUNT, expectCallLogEqualsTruth, useSyncStack } from '../support/sync-harness';

const HOUR = 3_600_000;

describe('inputs written before the accountId rename', () => {
  const stack = useSyncStack({ seed: 91, extensions: 4, days: 1, callsPerExtensionPerDay: 8, messagesPerExtensionPerDay: 1 });

  it('a sync and a backfill started with { accountKey } run for that account', async () => {
    const now = stack.sim.clock.now();
    const from = new Date(now - 20 * HOUR).toISOString();
    const to = new Date(now - HOUR).toISOString();
    await stack.client.workflow.execute('backfillWorkflow', {
      taskQueue: stack.taskQueue,
      workflowId: `legacy-backfill-${stack.taskQueue}`,
      args: [{ accountKey: ACCOUNT, from, to, streams: ['call_log', 'messages'] }],
    });
    await expectCallLogEqualsTruth(stack, from, to);
    const sync = (await stack.client.workflow.execute('accountSyncWorkflow', {
      taskQueue: stack.taskQueue,
      workflowId: `legacy-sync-${stack.taskQueue}`,
      args: [{ accountKey: ACCOUNT }],
    })) as { phase: string };
    expect(sync.phase).toBe('done');
    const { rows } = await stack.db.pool.query(`SELECT kind, status FROM ringcentral.sync_run WHERE account_id = $1 ORDER BY started_at`, [ACCOUNT]);
    expect(rows).toEqual([
      { kind: 'backfill', status: 'succeeded' },
      { kind: 'sync', status: 'succeeded' },
    ]);
  });

  it('a queued activity task with { accountKey } reaches the activity as { accountId }', async () => {
    const seen: unknown[] = [];
    const execute = legacyInputInterceptor({} as never).inbound!.execute!;
    const next = async (input: { args: unknown[] }) => void seen.push(input.args[0]);
    await execute({ args: [{ accountKey: 'acme', runId: 'r' }], headers: {} }, next as never);
    await execute({ args: [{ accountId: 'new', runId: 'r' }], headers: {} }, next as never);
    await execute({ args: [] , headers: {} }, next as never);
    expect(seen).toEqual([{ accountKey: 'acme', accountId: 'acme', runId: 'r' }, { accountId: 'new', runId: 'r' }, undefined]);
  });
});
