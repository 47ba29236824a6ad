/**
 * The scheduled sync of one account, as the business process reads:
 *   1. take a complete snapshot of the extension list (it also tells us the server's "now");
 *   2. in parallel, because each spends a different rate budget:
 *      the company directory (Medium), the call log since the last watermark (Heavy),
 *      and every listed extension's message store (Light, bounded fan-out);
 *   3. merge both snapshots into the SCD2 extension dimension;
 *   4. record the run and its watermarks (only a successful run advances them).
 */
import {
  CancellationScope,
  defineQuery,
  executeChild,
  isCancellation,
  log,
  patched,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { StreamCounts } from '../activities/call-log';
import { bookkeeping, extraction } from './activity-options';
import { messageFanOutWorkflow, messagePlanCounts, skippedMailboxes, skippedMailboxesWarning } from './message-fan-out';
import { childSearchAttributes, recordOutcome } from './search-attributes';
import { DAY, laterOf, MINUTE, minusMs, splitWindows } from './windows';

export interface AccountSyncInput {
  accountKey: string;
  /** First sync only: how far back to start. Default 1 day; use a backfill for more. */
  initialLookbackMs?: number;
  /** Calls appear after they end and change for a while: stay this far behind "now". Default 5 min. */
  callLogLagMs?: number;
  /** Re-read this much before the watermark so late changes (recordings, deletions) arrive. Default 24 h. Also the message window of extensions without a sync token. */
  callLogLookbackMs?: number;
  windowMs?: number;
  messageConcurrency?: number;
  /** How often this sync runs (a schedule's --every): its message stores spend a share of this interval's Light budget. Default 15 min. */
  scheduleIntervalMs?: number;
}

export interface SyncProgress {
  phase: 'starting' | 'snapshot' | 'extracting' | 'merging' | 'done' | 'skipped';
  runId: string;
  counts: Record<string, number>;
  window?: { from: string; to: string };
  /** The message fan-out child, whose own progress query the CLI shows. */
  messagesChildId?: string;
  /** What did not reach the warehouse although the run succeeded (e.g. listed mailboxes skipped), or a message plan that cannot keep its period. */
  warnings?: string[];
}

export interface AccountSyncResult extends SyncProgress {
  heldBy?: string;
}

export const syncProgress = defineQuery<SyncProgress>('progress');

export async function accountSyncWorkflow(input: AccountSyncInput): Promise<AccountSyncResult> {
  const info = workflowInfo();
  const runId = `${info.workflowId}/${info.firstExecutionRunId}`;
  const progress: SyncProgress = { phase: 'starting', runId, counts: {} };
  setHandler(syncProgress, () => progress);
  const enter = (phase: SyncProgress['phase']) => {
    progress.phase = phase;
    setCurrentDetails(`**${phase}** · ${Object.entries(progress.counts).map(([k, v]) => `${k}: ${v}`).join(' · ')}`);
  };

  const begin = await bookkeeping.beginSyncRun({ runId, accountKey: input.accountKey, kind: 'sync' });
  if (!begin.started) {
    enter('skipped');
    recordOutcome('skipped');
    return { ...progress, heldBy: begin.heldBy };
  }
  try {
    enter('snapshot');
    const extensions = await extraction.snapshotList({ accountKey: input.accountKey, runId, stream: 'extensions' });
    progress.counts.extensions = extensions.records;
    const now = extensions.serverTime;
    const initialFrom = minusMs(now, input.initialLookbackMs ?? DAY);
    const callLogTo = laterOf(minusMs(now, input.callLogLagMs ?? 5 * MINUTE), begin.watermarks.callLog ?? initialFrom);
    const callLogFrom = begin.watermarks.callLog ? minusMs(begin.watermarks.callLog, input.callLogLookbackMs ?? DAY) : initialFrom;
    // Only extensions without a sync token page this window (new ones, or after MSG-333):
    // the look-back lets them also pick up recent changes to older messages.
    const messagesFrom = begin.watermarks.messages ? minusMs(begin.watermarks.messages, input.callLogLookbackMs ?? DAY) : initialFrom;

    // Which mailboxes this sync reads, within its Light budget (histories from before plans read every one).
    const plan = patched('message-budget')
      ? await bookkeeping.planMessageSync({ accountKey: input.accountKey, runId, intervalMs: input.scheduleIntervalMs ?? 15 * MINUTE })
      : undefined;
    if (plan) Object.assign(progress.counts, messagePlanCounts(plan));
    if (plan?.warning) {
      progress.warnings = [plan.warning];
      log.warn(plan.warning);
    }

    enter('extracting');
    progress.messagesChildId = `${info.workflowId}/messages`;
    const [directory, calls, messages] = await Promise.all([
      extraction.snapshotList({ accountKey: input.accountKey, runId, stream: 'directory' }),
      (async () => {
        const total: StreamCounts = { pages: 0, records: 0, written: 0 };
        for (const window of splitWindows(callLogFrom, callLogTo, input.windowMs ?? DAY)) {
          progress.window = window;
          const r = await extraction.syncCallLogWindow({ accountKey: input.accountKey, window, keepDoneMarker: false, runId });
          total.pages += r.pages;
          total.records += r.records;
          total.written += r.written;
          progress.counts.callLogRecords = total.records;
        }
        return total;
      })(),
      executeChild(messageFanOutWorkflow, {
        workflowId: progress.messagesChildId,
        staticSummary: 'Message stores of every mailbox (sync)',
        ...childSearchAttributes('messages', ['messages']),
        args: [
          { accountKey: input.accountKey, snapshotRunId: runId, window: { from: messagesFrom, to: now }, mode: 'sync', selected: Boolean(plan), concurrency: input.messageConcurrency },
        ],
      }),
    ]);
    Object.assign(progress.counts, {
      directoryEntries: directory.records,
      callLogRecords: calls.records,
      callLogWritten: calls.written,
      messageExtensions: messages.extensions,
      messageRecords: messages.records,
      messagesWritten: messages.written,
      extensionsGone: messages.gone,
      messageStoresRefused: messages.refused,
      messageStoresMissing: messages.noMessageStore ?? 0,
      mailboxesSkipped: skippedMailboxes(messages),
      messageSyncFallbacks: messages.syncFellBack ?? 0,
      ...(plan ? { lightRequestsSpent: messages.lightRequests ?? 0 } : {}),
    });
    const warnings = [plan?.warning, skippedMailboxesWarning(messages)].filter((w): w is string => Boolean(w));

    enter('merging');
    const merged = await bookkeeping.mergeExtensionDimension({ accountKey: input.accountKey, runId });
    Object.assign(progress.counts, { dimensionInserted: merged.inserted, dimensionClosed: merged.closed, dimensionDeleted: merged.deleted });

    await bookkeeping.finishSyncRun({ runId, status: 'succeeded', counts: progress.counts, watermarks: { callLog: callLogTo, messages: now } });
    enter('done');
    recordOutcome('succeeded');
    return warnings.length > 0 ? { ...progress, warnings } : progress;
  } catch (err) {
    // Record the outcome even when cancelled; the watermarks stay where the last good run left them.
    recordOutcome(isCancellation(err) ? 'cancelled' : 'failed');
    await CancellationScope.nonCancellable(() =>
      bookkeeping.finishSyncRun({
        runId,
        status: isCancellation(err) ? 'cancelled' : 'failed',
        counts: progress.counts,
        error: err instanceof Error ? err.message : String(err),
      }),
    );
    throw err;
  }
}

