/**
 * Operators filter runs in the Temporal UI by account, kind and outcome: the runs the CLI
 * starts carry our search attributes and a static summary, children carry account and kind,
 * and the outcome is recorded when a run ends.
 */
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { describe, expect, inject, it, vi } from 'vitest';
import { run } from '../../src/client/main';
import { ensureSearchAttributes, missingSearchAttributes } from '../../src/infra/search-attributes';
import { ACCOUNT, stackEnv, useSyncStack } from '../support/sync-harness';
import { uniqueName } from '../support/stack';

const HOUR = 3_600_000;

describe('search attributes and summaries', () => {
  const stack = useSyncStack({
    seed: 52,
    extensions: 6,
    days: 3,
    callsPerExtensionPerDay: 4,
    messagesPerExtensionPerDay: 1,
    // The CLI checks ranges against today's call-log retention: simulate recent days.
    now: new Date(Math.floor(Date.now() / HOUR) * HOUR - HOUR),
  });

  async function cli(argv: string[]): Promise<{ code: number; out: string[] }> {
    const out: string[] = [];
    const saved = { ...process.env };
    Object.assign(process.env, stackEnv(stack));
    const log = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
    const err = vi.spyOn(console, 'error').mockImplementation((...a) => void out.push(a.join(' ')));
    try {
      return { code: await run(argv), out };
    } finally {
      log.mockRestore();
      err.mockRestore();
      process.env = saved;
    }
  }

  /** The UI's list query; visibility is eventually consistent, so wait for the expected count. */
  async function ids(query: string, expected: number): Promise<string[]> {
    let found: string[] = [];
    for (let i = 0; i < 50; i++) {
      found = [];
      for await (const wf of stack.client.workflow.list({ query: `TaskQueue = '${stack.taskQueue}' AND ${query}` })) found.push(wf.workflowId);
      if (found.length >= expected) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    return found.sort();
  }

  it('"failed backfills of account X" is one filter, and finds exactly those', async () => {
    const day = (offset: number) => new Date(stack.sim.clock.now() - offset * 24 * HOUR).toISOString().slice(0, 10);
    const ok = await cli(['backfill', '--account', ACCOUNT, '--from', day(2), '--to', day(1), '--wait', '--json']);
    expect(ok.code, ok.out.join('\n')).toBe(0);
    stack.sim.faults.add({ kind: '403', times: 100, match: { path: /call-log/ } });
    const failed = await cli(['backfill', '--account', ACCOUNT, '--from', day(1), '--to', day(0), '--streams', 'call_log', '--wait']);
    stack.sim.faults.clear();
    expect(failed.code).toBe(1);
    const sync = await cli(['sync', '--account', ACCOUNT, '--wait', '--json']);
    expect(sync.code).toBe(0);

    const failedBackfills = await ids(`RcsyncAccount = '${ACCOUNT}' AND RcsyncRunKind = 'backfill' AND RcsyncOutcome = 'failed'`, 1);
    expect(failedBackfills).toEqual([`backfill-${ACCOUNT}-${day(1)}T00:00:00.000Z-${day(0)}T00:00:00.000Z-call_log`]);
    const succeeded = await ids(`RcsyncAccount = '${ACCOUNT}' AND RcsyncOutcome = 'succeeded'`, 2);
    expect(succeeded).toHaveLength(2);
    expect(succeeded.some((id) => id.startsWith(`sync-${ACCOUNT}-manual-`))).toBe(true);
    expect(await ids(`RcsyncAccount = 'someone-else'`, 0)).toEqual([]);
    // Children: filterable by account and kind; the streams list is a KeywordList.
    const children = await ids(`RcsyncAccount = '${ACCOUNT}' AND RcsyncRunKind = 'messages' AND RcsyncStreams = 'messages'`, 2);
    expect(children.every((id) => id.endsWith('/messages'))).toBe(true);
    expect(children.length).toBeGreaterThanOrEqual(2);

    const description = await stack.client.workflow.getHandle(failedBackfills[0]).describe();
    expect(await description.staticSummary()).toBe(`Backfill of account ${ACCOUNT} (call_log)`);

    // Activities carry a summary too: the timeline reads without opening payloads.
    const syncId = succeeded.find((id) => id.startsWith(`sync-${ACCOUNT}-manual-`))!;
    const history = await stack.client.workflow.getHandle(syncId).fetchHistory();
    const summaries = (history.events ?? [])
      .filter((e) => e.activityTaskScheduledEventAttributes)
      .map((e) => `${e.activityTaskScheduledEventAttributes!.activityType!.name}: ${JSON.parse(Buffer.from(e.userMetadata?.summary?.data ?? []).toString() || '""')}`);
    expect(summaries).toContain('beginSyncRun: Open the run (one sync per account at a time)');
    expect(summaries).toContain('mergeExtensionDimension: Merge the snapshots into the SCD2 extension dimension');
    expect(summaries.every((s) => !s.endsWith(': '))).toBe(true);
  }, 240_000);

  it('a worker adds the attributes to a namespace that lacks them', async () => {
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      const namespace = uniqueName('ns');
      await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
      expect(await missingSearchAttributes(connection, namespace)).toEqual(['RcsyncAccount', 'RcsyncRunKind', 'RcsyncStreams', 'RcsyncOutcome']);
      expect(await ensureSearchAttributes(connection, namespace)).toEqual([]);
      expect(await missingSearchAttributes(connection, namespace)).toEqual([]);
    } finally {
      await connection.close();
    }
  });
});
