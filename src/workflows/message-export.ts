/**
 * A backfill's message stores through the account's message-store export, when the backfill
 * chose it (backfill.ts):
 *   1. hand-over: every mailbox's sync token first (one FSync, or a widening ISync, each: Light),
 *      with the paging of its frame left owed in its checkpoint;
 *   2. the export task (Heavy), created after every token, covering the range up to its own
 *      creation, so everything a token has not seen is in the export or in a later ISync;
 *   3. polled on a workflow timer, backing off to a minute (no worker slot waits meanwhile);
 *   4. its archives loaded one transaction each; the owed paging is then marked done.
 * Refused (403/400), failed, or not done within `maxWaitMs`: the mailboxes are paged as a
 * per-mailbox backfill pages them (their parked tokens make it page what they owe), and the
 * result says so.
 */
import { defineQuery, executeChild, log, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { Window } from '../streams/endpoints';
import { extraction } from './activity-options';
import { messageFanOutWorkflow, type MessageFanOutInput, type MessageFanOutState } from './message-fan-out';
import { childSearchAttributes } from './search-attributes';

export interface MessageExportInput {
  accountId: string;
  /** The backfill's run: its extension snapshot lists the mailboxes, its progress is touched. */
  snapshotRunId: string;
  window: Window;
  asOf?: string;
  concurrency?: number;
  maxHistoryEvents?: number;
  /** Fall back to paging when the task has not completed after this long (default 6 h). */
  maxWaitMs?: number;
}

export interface MessageExportState extends MessageFanOutState {
  /** Archives the export brought (0 when it fell back). */
  exportArchives: number;
  /** Why the export was not used, when it fell back to per-mailbox paging. */
  exportFellBack?: string;
}

/** What `rcsync status` shows: the step, and the mailboxes and records done so far. */
export interface MessageExportProgress {
  step: 'tokens' | 'export task' | 'archives' | 'pages (the export fell back)' | 'done';
  extensions: number;
  records: number;
  inFlight: number;
}

export const messageExportProgress = defineQuery<MessageExportProgress>('progress');

const FIRST_POLL_MS = 2_000;
const MAX_POLL_MS = 60_000;
const DEFAULT_MAX_WAIT_MS = 6 * 3_600_000;

export async function messageExportWorkflow(input: MessageExportInput): Promise<MessageExportState> {
  const { accountId, window } = input;
  const fanOut = (mode: MessageFanOutInput['mode'], step: string) =>
    executeChild(messageFanOutWorkflow, {
      workflowId: `${workflowInfo().workflowId}/${step}`,
      staticSummary: mode === 'handover' ? 'Every mailbox\'s sync token, before the export' : 'Message stores of every mailbox (the export fell back)',
      ...childSearchAttributes('messages', ['messages']),
      args: [{ accountId, snapshotRunId: input.snapshotRunId, window, mode, asOf: input.asOf, concurrency: input.concurrency, maxHistoryEvents: input.maxHistoryEvents }],
    });

  const progress: MessageExportProgress = { step: 'tokens', extensions: 0, records: 0, inFlight: 0 };
  setHandler(messageExportProgress, () => progress);
  const finish = (state: MessageExportState): MessageExportState => {
    Object.assign(progress, { step: 'done', extensions: state.extensions, records: state.records });
    return state;
  };

  const tokens = await fanOut('handover', 'tokens');
  Object.assign(progress, { step: 'export task', extensions: tokens.extensions, records: tokens.records });
  const reason = await awaitExport(input);
  if (typeof reason === 'string') {
    log.warn(`Message-store export not used, paging every mailbox instead: ${reason}`);
    progress.step = 'pages (the export fell back)';
    const paged = await fanOut('backfill', 'pages');
    const lightRequests = (tokens.lightRequests ?? 0) + (paged.lightRequests ?? 0);
    return finish({ ...paged, records: tokens.records + paged.records, written: tokens.written + paged.written, lightRequests, exportArchives: 0, exportFellBack: reason });
  }
  progress.step = 'archives';
  const loaded = await extraction.loadMessageExport({ accountId, window, taskId: reason.taskId, runId: input.snapshotRunId, snapshotRunId: input.snapshotRunId });
  return finish({ ...tokens, records: tokens.records + loaded.records, written: tokens.written + loaded.written, exportArchives: loaded.pages });
}

/** The completed task, or why there is none to load. */
async function awaitExport(input: MessageExportInput): Promise<{ taskId: string } | string> {
  const { accountId, window } = input;
  const task = await extraction.startMessageExport({ accountId, window });
  if ('refused' in task) return `RingCentral refused the export (${task.refused})`;
  if (task.done) return task;
  const deadline = Date.now() + (input.maxWaitMs ?? DEFAULT_MAX_WAIT_MS);
  for (let wait = FIRST_POLL_MS; ; wait = Math.min(wait * 2, MAX_POLL_MS)) {
    const status = await extraction.pollMessageExport({ accountId, window, taskId: task.taskId });
    if (status.state === 'landed') return task;
    if (status.state === 'failed') return status.reason;
    if (Date.now() >= deadline) return `the export task did not complete within ${Math.round((input.maxWaitMs ?? DEFAULT_MAX_WAIT_MS) / 60_000)} minutes`;
    await sleep(wait);
  }
}
