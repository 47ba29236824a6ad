/**
 * Backfill of a date range, started by an engineer from the CLI:
 *   - the call log window by window (a child that continues as new, so any range fits),
 *   - alongside, every listed extension's message store over the whole range (a child fan-out).
 * Re-running the same backfill skips finished windows and rewrites nothing (upserts are
 * idempotent and finished windows keep a "done" marker). Syncs merge the dimension; a
 * backfill only reads the extension list to know whose messages to fetch.
 */
import { ApplicationFailure, continueAsNew, defineQuery, executeChild, patched, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Window } from '../streams/endpoints';
import { bookkeeping, extraction } from './activity-options';
import { walkCallLogWindows, type WindowWalk } from './call-log-windows';
import { historyFull } from './history';
import { messageFanOutWorkflow, skippedMailboxes, skippedMailboxesWarning, type MessageFanOutState } from './message-fan-out';
import { messageExportWorkflow, type MessageExportState } from './message-export';
import { childSearchAttributes } from './search-attributes';
import { syncRunId, withSyncRun } from './sync-run';
import { windowsOf } from './windows';
import { withAccountId } from '../activities/legacy-input';
import { choosesExport, type MessagesVia } from '../plan/backfill';
import { plannedCounts, planVsActual, type RunRequests } from '../plan/format';

export const BACKFILL_STREAMS = ['call_log', 'messages'] as const;
export type BackfillStream = (typeof BACKFILL_STREAMS)[number];

/** How a backfill reads the message stores (the rule lives with the plan, so plan and run agree). */
export { EXPORT_MIN_MAILBOXES, MESSAGES_VIA, type MessagesVia } from '../plan/backfill';

export interface BackfillInput {
  accountId: string;
  from: string;
  to: string;
  streams: BackfillStream[];
  /** Call-log windows of at most this size; default the whole range as one window (fewest requests). */
  windowMs?: number;
  messageConcurrency?: number;
  /** Default 'auto': the export from `exportMinMailboxes` (default EXPORT_MIN_MAILBOXES) listed mailboxes on. */
  messagesVia?: MessagesVia;
  exportMinMailboxes?: number;
  /** Continue as new after this many events (the server's suggestion applies too). */
  maxHistoryEvents?: number;
}

export interface BackfillProgress {
  phase: 'snapshot' | 'extracting' | 'done';
  runId: string;
  callLogWorkflowId?: string;
  messagesWorkflowId?: string;
  /** The request plan per rate group, and at the end what the run really sent (runs from before plans have none). */
  requests?: RunRequests;
}

export const backfillProgress = defineQuery<BackfillProgress>('progress');

export async function backfillWorkflow(
  raw: BackfillInput,
): Promise<{ callLog?: CallLogBackfillState; messages?: MessageFanOutState | MessageExportState; warnings?: string[]; requests?: RunRequests }> {
  const input = withAccountId(raw);
  if (!(Date.parse(input.from) < Date.parse(input.to))) {
    throw ApplicationFailure.nonRetryable(`Backfill range is empty or reversed: ${input.from} .. ${input.to}`, 'InvalidInput');
  }
  const info = workflowInfo();
  const runId = syncRunId();
  const startedAt = Date.now(); // the workflow's clock: deterministic
  const progress: BackfillProgress = { phase: 'snapshot', runId };
  setHandler(backfillProgress, () => progress);
  const details = () =>
    setCurrentDetails(`backfill ${input.from} .. ${input.to} (${input.streams.join(', ')})${progress.requests ? `\n\nrequests ${planVsActual(progress.requests)}` : ''}`);
  details();

  const run = await withSyncRun(
    { runId, accountId: input.accountId, kind: 'backfill' },
    async () => {
      // The plan first, before any request (histories from before plans have none).
      if (patched('request-plan')) {
        const { accountId, from, to, streams, windowMs, messagesVia, exportMinMailboxes } = input;
        const plan = await bookkeeping.planRequests({ runId, run: { kind: 'backfill', accountId, from, to, streams, windowMs, messagesVia, exportMinMailboxes } });
        progress.requests = { plan };
        details();
      }
      const wantMessages = input.streams.includes('messages');
      const listed = wantMessages ? await extraction.snapshotList({ accountId: input.accountId, runId, stream: 'extensions' }) : undefined;
      progress.phase = 'extracting';
      progress.callLogWorkflowId = input.streams.includes('call_log') ? `${info.workflowId}/call-log` : undefined;
      progress.messagesWorkflowId = wantMessages ? `${info.workflowId}/messages` : undefined;
      const viaExport = wantMessages && (await messagesViaExport(input, runId));
      const [callLog, messages] = await Promise.all([
        progress.callLogWorkflowId
          ? executeChild(callLogBackfillWorkflow, {
              workflowId: progress.callLogWorkflowId,
              staticSummary: 'Call log, window by window (backfill)',
              ...childSearchAttributes('call_log', ['call_log']),
              args: [{ accountId: input.accountId, from: input.from, to: input.to, windowMs: input.windowMs, maxHistoryEvents: input.maxHistoryEvents }],
            })
          : undefined,
        progress.messagesWorkflowId ? backfillMessages(input, runId, progress.messagesWorkflowId, viaExport, listed?.serverTime) : undefined,
      ]);
      const exported = viaExport ? (messages as MessageExportState) : undefined;
      const counts = {
        callLogRecords: callLog?.records ?? 0,
        callLogWritten: callLog?.written ?? 0,
        callLogWindows: callLog?.nextIndex ?? 0,
        messageRecords: messages?.records ?? 0,
        messagesWritten: messages?.written ?? 0,
        ...(messages ? { mailboxesSkipped: skippedMailboxes(messages) } : {}),
        ...(progress.requests ? plannedCounts(progress.requests.plan) : {}),
        ...(exported ? { messageExportArchives: exported.exportArchives, messageExportFellBack: exported.exportFellBack ? 1 : 0 } : {}),
      };
      const warnings = [
        exported?.exportFellBack && `message-store export fell back to per-mailbox paging: ${exported.exportFellBack}`,
        messages && skippedMailboxesWarning(messages),
      ].filter((w): w is string => Boolean(w));
      // Hand over to sync: the call log is complete up to the range's end (the mailboxes' sync tokens are in their checkpoints).
      const watermarks = callLog ? { callLog: input.to, callLogFrom: input.from } : undefined;
      return { value: { callLog, messages, ...(warnings.length ? { warnings } : {}) }, counts, watermarks };
    },
    () => ({}),
  );
  progress.phase = 'done';
  if (!progress.requests) return run.value;
  Object.assign(progress.requests, { actual: run.sent, actualMs: Date.now() - startedAt });
  details();
  return { ...run.value, requests: progress.requests };
}

/** The message stores of the range, as a child: per-mailbox paging, or through the message-store export. */
function backfillMessages(input: BackfillInput, runId: string, workflowId: string, viaExport: boolean, asOf?: string): Promise<MessageFanOutState | MessageExportState> {
  const child = { workflowId, ...childSearchAttributes('messages', ['messages']) };
  const args = { accountId: input.accountId, snapshotRunId: runId, window: { from: input.from, to: input.to }, asOf, concurrency: input.messageConcurrency, maxHistoryEvents: input.maxHistoryEvents };
  if (viaExport) return executeChild(messageExportWorkflow, { ...child, staticSummary: 'Message stores through the message-store export (backfill)', args: [args] });
  return executeChild(messageFanOutWorkflow, { ...child, staticSummary: 'Message stores of every mailbox (backfill)', args: [{ ...args, mode: 'backfill' }] });
}

/** The backfill's choice (EXPORT_MIN_MAILBOXES); runs recorded before the export existed page, as they did. */
async function messagesViaExport(input: BackfillInput, runId: string): Promise<boolean> {
  if (!patched('message-export')) return false;
  const via = input.messagesVia ?? 'auto';
  if (via !== 'auto') return via === 'export';
  return choosesExport(await bookkeeping.countMessageMailboxes({ runId }), input.exportMinMailboxes);
}

export interface CallLogBackfillInput {
  accountId: string;
  from: string;
  to: string;
  windowMs?: number;
  maxHistoryEvents?: number;
  state?: CallLogBackfillState;
}

export interface CallLogBackfillState extends WindowWalk {
  windows: number;
  current?: Window;
}

export const callLogBackfillProgress = defineQuery<CallLogBackfillState>('progress');

export async function callLogBackfillWorkflow(raw: CallLogBackfillInput): Promise<CallLogBackfillState> {
  const input = withAccountId(raw);
  // Windows are recomputed from the input on every run: only the index travels in state.
  const windows = windowsOf({ from: input.from, to: input.to }, input.windowMs);
  const state: CallLogBackfillState = input.state ?? { nextIndex: 0, windows: windows.length, pages: 0, records: 0, written: 0 };
  setHandler(callLogBackfillProgress, () => state);
  await walkCallLogWindows({ accountId: input.accountId, windows, keepDoneMarker: true }, state, {
    before: (window) => {
      state.current = window;
      setCurrentDetails(`call log window ${state.nextIndex + 1}/${windows.length}: ${window.from} .. ${window.to} · ${state.records} records`);
    },
    after: async () => {
      if (historyFull(input.maxHistoryEvents)) await continueAsNew<typeof callLogBackfillWorkflow>({ ...input, state });
    },
  });
  state.current = undefined;
  return state;
}
