/** Steps a full sync and a push micro-sync share: the message fan-out child, the call log, their run counts. */
import { executeChild, patched, workflowInfo } from '@temporalio/workflow';
import type { Window } from '../streams/endpoints';
import type { AccountSyncInput } from './account-sync';
import { syncCallLog } from './call-log-windows';
import { messageFanOutWorkflow, skippedMailboxes, type MessageFanOutState } from './message-fan-out';
import { childSearchAttributes } from './search-attributes';
import { DAY } from './windows';
import type { RunRequests } from '../plan/format';

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

/** The message fan-out child over the run's selection (`selected`) or its whole snapshot. */
export function fanOutMessages(input: AccountSyncInput, runId: string, window: Window, selected: boolean, progress: SyncProgress): Promise<MessageFanOutState> {
  progress.messagesChildId = `${workflowInfo().workflowId}/messages`;
  return executeChild(messageFanOutWorkflow, {
    workflowId: progress.messagesChildId,
    staticSummary: 'Message stores of every mailbox (sync)',
    ...childSearchAttributes('messages', ['messages']),
    args: [{ accountId: input.accountId, snapshotRunId: runId, window, mode: 'sync', selected, concurrency: input.messageConcurrency }],
  });
}

export function callLogHooks(progress: SyncProgress): Parameters<typeof syncCallLog>[1] {
  return {
    before: (window) => (progress.window = window),
    after: (counts) => void (progress.counts.callLogRecords = counts.records),
  };
}

export function callLogCounts(calls: Awaited<ReturnType<typeof syncCallLog>>): Record<string, number> {
  return {
    callLogRecords: calls.records,
    callLogWritten: calls.written,
    // 1 when the account refused call-log-sync and the look-back window was read instead.
    callLogSyncRefused: calls.via === 'refused' ? 1 : 0,
  };
}

export function messageCounts(messages: MessageFanOutState): Record<string, number> {
  return {
    messageExtensions: messages.extensions,
    messageRecords: messages.records,
    messagesWritten: messages.written,
    extensionsGone: messages.gone,
    messageStoresRefused: messages.refused,
    messageStoresMissing: messages.noMessageStore ?? 0,
    mailboxesSkipped: skippedMailboxes(messages),
    messageSyncFallbacks: messages.syncFellBack ?? 0,
  };
}

/** The call log's plan: call-log-sync, except in runs started before it (they replay their day windows). */
export function callLogPlan(input: AccountSyncInput, frame: { from: string; to: string }, runId: string): Parameters<typeof syncCallLog>[0] {
  if (patched('call-log-sync')) return { accountId: input.accountId, frame, windowMs: input.windowMs, runId };
  return { accountId: input.accountId, frame, windowMs: input.windowMs ?? DAY, runId, lookBackOnly: true };
}
