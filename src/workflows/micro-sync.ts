/**
 * A push micro-sync (accountSyncWorkflow with `micro: true`, started by the push workflow): only
 * what push events left behind: the dirty mailboxes among those the last complete extension
 * snapshot lists (up to the whole Light limit of `scheduleIntervalMs`, the micro-syncs' pace)
 * and the call log's changes when an ended call or a gap made them due. RingCentral's "now"
 * comes from GET /restapi (no rate group), not from an extension list: a micro-sync's cost is
 * what changed, not the account's size. Same governor, same checkpointed writers; no snapshot,
 * no directory, no merge, and the watermarks stay as the last full sync left them.
 */
import type { Watermarks } from '../activities/runs';
import type { Window } from '../streams/endpoints';
import type { AccountSyncInput } from './account-sync';
import { bookkeeping } from './activity-options';
import { syncCallLog } from './call-log-windows';
import { messagePlanCounts } from './message-fan-out';
import type { SyncRunWork } from './sync-run';
import { callLogCounts, callLogHooks, callLogPlan, fanOutMessages, messageCounts, type SyncProgress } from './sync-steps';
import { MINUTE } from './windows';

export async function microSyncWork(
  input: AccountSyncInput,
  run: { runId: string; callLogFrame: Window; messageWindow: Window; watermarks: Watermarks; progress: SyncProgress; enter(phase: SyncProgress['phase']): void },
): Promise<SyncRunWork<string[]>> {
  const { runId, progress } = run;
  const callLogDue = await bookkeeping.takeCallLogDue({ accountId: input.accountId });
  const plan = await bookkeeping.planMessageSync({ accountId: input.accountId, runId, intervalMs: input.scheduleIntervalMs ?? MINUTE, dirtyOnly: true });
  Object.assign(progress.counts, messagePlanCounts(plan));
  run.enter('extracting');
  const [calls, messages] = await Promise.all([
    callLogDue ? syncCallLog(callLogPlan(input, run.callLogFrame, runId), callLogHooks(progress)) : undefined,
    plan.selected.dirty > 0 ? fanOutMessages(input, runId, run.messageWindow, true, progress) : undefined,
  ]);
  Object.assign(progress.counts, {
    ...(calls ? callLogCounts(calls) : {}),
    ...(messages ? { ...messageCounts(messages), lightRequestsSpent: messages.lightRequests ?? 0 } : {}),
  });
  return { value: [], counts: progress.counts, watermarks: run.watermarks };
}
