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
import { defineQuery, log, patched, setCurrentDetails, setHandler } from '@temporalio/workflow';
import { bookkeeping, extraction } from './activity-options';
import { syncCallLog } from './call-log-windows';
import { messagePlanCounts, skippedMailboxesWarning } from './message-fan-out';
import { microSyncWork } from './micro-sync';
import { syncRunId, withSyncRun } from './sync-run';
import { callLogCounts, callLogHooks, callLogPlan, fanOutMessages, messageCounts, type SyncProgress } from './sync-steps';
import { DAY, laterOf, MINUTE, minusMs } from './windows';
import { withAccountId } from '../activities/legacy-input';
import type { RunPlan, SyncPlanInput } from '../activities/request-plan';
import type { Watermarks } from '../activities/runs';
import type { Window } from '../streams/endpoints';
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
  /**
   * A push micro-sync (src/workflows/push.ts, micro-sync.ts): RingCentral's clock, then only the
   * dirty mailboxes and, when an ended call made it due, the call log's changes; no snapshot, no
   * directory, no merge, watermarks unchanged.
   */
  micro?: boolean;
}


export type { SyncProgress } from './sync-steps';

export interface AccountSyncResult extends SyncProgress {
  heldBy?: string;
}

export const syncProgress = defineQuery<SyncProgress>('progress');

export async function accountSyncWorkflow(raw: AccountSyncInput): Promise<AccountSyncResult> {
  const input = withAccountId(raw);
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
    { runId, accountId: input.accountId, kind: 'sync', ...(input.micro ? { yieldsToSchedule: true } : {}) },
    async (watermarks) => {
      // The plan first, before any request (histories from before plans have none). A micro-sync
      // reads only what push marked, so it has no sync plan to show against.
      const requestPlan = !input.micro && patched('request-plan') ? await planSyncRequests(input, runId) : undefined;
      if (requestPlan) {
        progress.requests = { plan: requestPlan };
        Object.assign(progress.counts, plannedCounts(requestPlan));
      }
      // A micro-sync reads the mailboxes of the last complete snapshot and RingCentral's clock,
      // not the extension list: its cost is what push marked, not the account's size.
      if (input.micro && patched('micro-sync-without-snapshot')) {
        const now = await extraction.readServerTime({ accountId: input.accountId });
        return microSyncWork(input, { runId, ...syncFrames(input, watermarks, now), watermarks, progress, enter });
      }
      enter('snapshot');
      const extensions = await extraction.snapshotList({ accountId: input.accountId, runId, stream: 'extensions' });
      progress.counts.extensions = extensions.records;
      const now = extensions.serverTime;
      const { callLogFrame, messageWindow } = syncFrames(input, watermarks, now);

      if (input.micro && patched('push-micro-sync')) {
        return microSyncWork(input, { runId, callLogFrame, messageWindow, watermarks, progress, enter });
      }

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
      const [directory, calls, messages] = await Promise.all([
        extraction.snapshotList({ accountId: input.accountId, runId, stream: 'directory' }),
        syncCallLog({ ...callLogPlan(input, callLogFrame, runId), fullSync: requestPlan?.callLogVia === 'FSync' }, callLogHooks(progress)),
        fanOutMessages(input, runId, messageWindow, Boolean(plan), progress),
      ]);
      Object.assign(progress.counts, {
        directoryEntries: directory.records,
        ...callLogCounts(calls),
        ...messageCounts(messages),
        ...(plan ? { lightRequestsSpent: messages.lightRequests ?? 0 } : {}),
      });
      const warnings = [plan?.warning, skippedMailboxesWarning(messages)].filter((w): w is string => Boolean(w));

      enter('merging');
      const merged = await bookkeeping.mergeExtensionDimension({ accountId: input.accountId, runId });
      Object.assign(progress.counts, { dimensionInserted: merged.inserted, dimensionClosed: merged.closed, dimensionDeleted: merged.deleted });
      return { value: warnings, counts: progress.counts, watermarks: { callLog: callLogFrame.to, messages: now } };
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

/**
 * What a sync reads at server time `now`: the call log's frame (up to `callLogLagMs` ago, since
 * calls appear after they end, never before the watermark), and the message window that only
 * mailboxes without a sync token page (new ones, or after MSG-333), its look-back letting them
 * also pick up recent changes to older messages.
 */
function syncFrames(input: AccountSyncInput, watermarks: Watermarks, now: string): { callLogFrame: Window; messageWindow: Window } {
  const initialFrom = minusMs(now, input.initialLookbackMs ?? DAY);
  const lookbackMs = input.callLogLookbackMs ?? DAY;
  return {
    callLogFrame: {
      from: watermarks.callLog ? minusMs(watermarks.callLog, lookbackMs) : initialFrom,
      to: laterOf(minusMs(now, input.callLogLagMs ?? 5 * MINUTE), watermarks.callLog ?? initialFrom),
    },
    messageWindow: { from: watermarks.messages ? minusMs(watermarks.messages, lookbackMs) : initialFrom, to: now },
  };
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
