/**
 * The scheduled sync of one account, as the business process reads:
 *   1. take a complete snapshot of the extension list (it also tells us the server's "now");
 *   2. in parallel, because each spends a different rate budget:
 *      the company directory (Medium), the call log's changes by call-log-sync (Heavy; the
 *      look-back window since the last watermark where the account refuses it),
 *      and every listed extension's message store (Light, bounded fan-out);
 *   3. merge both snapshots into the SCD2 extension dimension;
 *   4. record the run and its watermarks (only a successful run advances them).
 */
import { defineQuery, executeChild, log, patched, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import { bookkeeping, extraction } from './activity-options';
import { syncCallLog } from './call-log-windows';
import { messageFanOutWorkflow, messagePlanCounts, skippedMailboxes, skippedMailboxesWarning } from './message-fan-out';
import { childSearchAttributes } from './search-attributes';
import { syncRunId, withSyncRun } from './sync-run';
import { DAY, laterOf, MINUTE, minusMs } from './windows';
import { withAccountId } from '../activities/legacy-input';
import type { RunPlan, SyncPlanInput } from '../activities/request-plan';
import { plannedCounts, planVsActual, type RunRequests } from '../plan/format';

export interface AccountSyncInput {
  accountId: string;
  /** First sync only: how far back to start. Default 1 day; use a backfill for more. */
  initialLookbackMs?: number;
  /** Calls appear after they end and change for a while: stay this far behind "now". Default 5 min. */
  callLogLagMs?: number;
  /**
   * Where call-log-sync is refused (403): re-read this much before the watermark so late changes
   * (recordings, deletions) arrive; also where a call-log-sync FSync's frame starts. Default 24 h.
   * Also the message window of extensions without a sync token.
   */
  callLogLookbackMs?: number;
  /** Look-back call-log windows of at most this size; default one window. */
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
  /** The request plan per rate group, and at the end what the run really sent (runs from before plans have none). */
  requests?: RunRequests;
}

export interface AccountSyncResult extends SyncProgress {
  heldBy?: string;
}

export const syncProgress = defineQuery<SyncProgress>('progress');

export async function accountSyncWorkflow(raw: AccountSyncInput): Promise<AccountSyncResult> {
  const input = withAccountId(raw);
  const info = workflowInfo();
  const runId = syncRunId();
  const startedAt = Date.now(); // the workflow's clock: deterministic
  const progress: SyncProgress = { phase: 'starting', runId, counts: {} };
  setHandler(syncProgress, () => progress);
  const enter = (phase: SyncProgress['phase']) => {
    progress.phase = phase;
    const counts = Object.entries(progress.counts).map(([k, v]) => `${k}: ${v}`).join(' · ');
    setCurrentDetails(`**${phase}** · ${counts}${progress.requests ? `\n\nrequests ${planVsActual(progress.requests)}` : ''}`);
  };

  const run = await withSyncRun(
    { runId, accountId: input.accountId, kind: 'sync' },
    async (watermarks) => {
      // The plan first, before any request (histories from before plans have none).
      const requestPlan = patched('request-plan') ? await planSyncRequests(input, runId) : undefined;
      if (requestPlan) {
        progress.requests = { plan: requestPlan };
        Object.assign(progress.counts, plannedCounts(requestPlan));
      }
      enter('snapshot');
      const extensions = await extraction.snapshotList({ accountId: input.accountId, runId, stream: 'extensions' });
      progress.counts.extensions = extensions.records;
      const now = extensions.serverTime;
      const initialFrom = minusMs(now, input.initialLookbackMs ?? DAY);
      const callLogTo = laterOf(minusMs(now, input.callLogLagMs ?? 5 * MINUTE), watermarks.callLog ?? initialFrom);
      const callLogFrom = watermarks.callLog ? minusMs(watermarks.callLog, input.callLogLookbackMs ?? DAY) : initialFrom;
      // Only extensions without a sync token page this window (new ones, or after MSG-333):
      // the look-back lets them also pick up recent changes to older messages.
      const messagesFrom = watermarks.messages ? minusMs(watermarks.messages, input.callLogLookbackMs ?? DAY) : initialFrom;

      // Which mailboxes this sync reads, within its Light budget (histories from before plans read every one).
      const plan = patched('message-budget')
        ? await bookkeeping.planMessageSync({ accountId: input.accountId, runId, intervalMs: input.scheduleIntervalMs ?? 15 * MINUTE })
        : undefined;
      if (plan) Object.assign(progress.counts, messagePlanCounts(plan));
      if (plan?.warning) {
        progress.warnings = [plan.warning];
        log.warn(plan.warning);
      }

      enter('extracting');
      progress.messagesChildId = `${info.workflowId}/messages`;
      const [directory, calls, messages] = await Promise.all([
        extraction.snapshotList({ accountId: input.accountId, runId, stream: 'directory' }),
        syncCallLog({ ...callLogPlan(input, { from: callLogFrom, to: callLogTo }, runId), fullSync: requestPlan?.callLogVia === 'FSync' }, {
          before: (window) => (progress.window = window),
          after: (counts) => void (progress.counts.callLogRecords = counts.records),
        }),
        executeChild(messageFanOutWorkflow, {
          workflowId: progress.messagesChildId,
          staticSummary: 'Message stores of every mailbox (sync)',
          ...childSearchAttributes('messages', ['messages']),
          args: [
            { accountId: input.accountId, snapshotRunId: runId, window: { from: messagesFrom, to: now }, mode: 'sync', selected: Boolean(plan), concurrency: input.messageConcurrency },
          ],
        }),
      ]);
      Object.assign(progress.counts, {
        directoryEntries: directory.records,
        callLogRecords: calls.records,
        callLogWritten: calls.written,
        // 1 when the account refused call-log-sync and the look-back window was read instead.
        callLogSyncRefused: calls.via === 'refused' ? 1 : 0,
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
      const merged = await bookkeeping.mergeExtensionDimension({ accountId: input.accountId, runId });
      Object.assign(progress.counts, { dimensionInserted: merged.inserted, dimensionClosed: merged.closed, dimensionDeleted: merged.deleted });
      return { value: warnings, counts: progress.counts, watermarks: { callLog: callLogTo, messages: now } };
    },
    () => progress.counts,
  );
  if (!run.started) {
    enter('skipped');
    return { ...progress, heldBy: run.heldBy };
  }
  if (progress.requests && run.sent) Object.assign(progress.requests, { actual: run.sent, actualMs: Date.now() - startedAt });
  enter('done');
  return run.value.length > 0 ? { ...progress, warnings: run.value } : progress;
}

/** What the request plan of a sync with this input needs, at the defaults the sync uses (also `rcsync sync --plan`). */
export function syncPlanInput(input: AccountSyncInput): SyncPlanInput {
  return {
    kind: 'sync',
    accountId: input.accountId,
    intervalMs: input.scheduleIntervalMs ?? 15 * MINUTE,
    initialLookbackMs: input.initialLookbackMs ?? DAY,
    callLogLagMs: input.callLogLagMs ?? 5 * MINUTE,
    callLogLookbackMs: input.callLogLookbackMs ?? DAY,
    ...(input.windowMs !== undefined ? { windowMs: input.windowMs } : {}),
  };
}

function planSyncRequests(input: AccountSyncInput, runId: string): Promise<RunPlan> {
  return bookkeeping.planRequests({ runId, run: syncPlanInput(input) });
}

/** The call log's plan: call-log-sync, except in runs started before it (they replay their day windows). */
function callLogPlan(input: AccountSyncInput, frame: { from: string; to: string }, runId: string): Parameters<typeof syncCallLog>[0] {
  if (patched('call-log-sync')) return { accountId: input.accountId, frame, windowMs: input.windowMs, runId };
  return { accountId: input.accountId, frame, windowMs: input.windowMs ?? DAY, runId, lookBackOnly: true };
}
