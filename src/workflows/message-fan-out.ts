/**
 * Syncs the message store of every listed (not excluded) extension of a run's snapshot, a bounded number
 * at a time (a sliding window as in Temporal's batch samples). Continues as new when its
 * history grows, carrying the cursor and totals, so any account size keeps history bounded.
 */
import { ApplicationFailure, continueAsNew, defineQuery, log, setHandler } from '@temporalio/workflow';
import type { MessagePlan } from '../activities/message-budget';
import type { ExtensionMessagesInput } from '../activities/messages';
import type { Window } from '../streams/endpoints';
import { bookkeeping, extraction } from './activity-options';
import { historyFull } from './history';
import { withAccountId } from '../activities/legacy-input';

export interface MessageFanOutInput {
  accountId: string;
  /** The run whose extension snapshot lists the extensions. */
  snapshotRunId: string;
  window: Window;
  mode: ExtensionMessagesInput['mode'];
  /** Read only the mailboxes the sync's plan selected (planMessageSync), not the whole snapshot. */
  selected?: boolean;
  /** Server time the mailboxes count as reconciled up to (default: the window's end). */
  asOf?: string;
  concurrency?: number;
  /** Continue as new after this many history events even if the server does not suggest it yet. */
  maxHistoryEvents?: number;
  state?: MessageFanOutState;
}

export interface MessageFanOutState {
  afterId: number;
  extensions: number;
  records: number;
  written: number;
  gone: number;
  /** Mailboxes RingCentral refused (403/400), with the first reason seen. */
  refused: number;
  refusedReason?: string;
  /** Listed extensions that exist but have no message store (403 MSG-314, or 404 from both endpoints). */
  noMessageStore?: number;
  /** Mailboxes whose message-sync answered 404, paged from the message store instead. */
  syncFellBack?: number;
  /** Light requests the message stores spent: one per page read, plus the refused or failed message-sync request of a mailbox. */
  lightRequests?: number;
}

/** Listed mailboxes whose messages did not reach the warehouse in this run. */
export function skippedMailboxes(state: MessageFanOutState): number {
  return state.refused + (state.noMessageStore ?? 0);
}

/** The warning a run that skipped listed mailboxes carries in its result and log; undefined when none were. */
export function skippedMailboxesWarning(state: MessageFanOutState): string | undefined {
  if (skippedMailboxes(state) === 0) return undefined;
  return `${skippedMailboxes(state)} of ${state.extensions} listed mailboxes skipped: ${state.refused} refused by RingCentral${state.refusedReason ? ` (${state.refusedReason})` : ''}, ${state.noMessageStore ?? 0} without a message store`;
}

/** A sync's message plan as run counts: mailboxes listed, selected and why, skipped for the budget, Light requests budgeted and planned. */
export function messagePlanCounts(plan: Omit<MessagePlan, 'picks' | 'warning'>): Record<string, number> {
  return {
    mailboxesTotal: plan.mailboxes,
    mailboxesDue: plan.selected.due,
    mailboxesDirty: plan.selected.dirty,
    mailboxesActive: plan.selected.active,
    mailboxesOldest: plan.selected.oldest,
    mailboxesSkippedForBudget: plan.skippedForBudget,
    lightRequestsBudget: plan.budget,
    lightRequestsPlanned: plan.planned,
  };
}

export const messageFanOutProgress = defineQuery<MessageFanOutState & { inFlight: number }>('progress');

export async function messageFanOutWorkflow(raw: MessageFanOutInput): Promise<MessageFanOutState> {
  const input = withAccountId(raw);
  const state: MessageFanOutState = input.state ?? { afterId: 0, extensions: 0, records: 0, written: 0, gone: 0, refused: 0 };
  const concurrency = input.concurrency ?? 8;
  const inFlight = new Set<Promise<void>>();
  setHandler(messageFanOutProgress, () => ({ ...state, inFlight: inFlight.size }));

  for (;;) {
    const ids = await bookkeeping.listMessageExtensions({ runId: input.snapshotRunId, afterId: state.afterId, limit: 200, ...(input.selected ? { selected: true } : {}) });
    if (ids.length === 0) break;
    for (const extensionId of ids) {
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
      const task = extraction
        .syncExtensionMessages({ accountId: input.accountId, extensionId, window: input.window, mode: input.mode, asOf: input.asOf })
        .then((r) => {
          state.extensions += 1;
          state.records += r.records;
          state.written += r.written;
          state.lightRequests = (state.lightRequests ?? 0) + r.pages + (r.refused || r.noMessageStore || r.extensionGone || r.syncFellBack ? 1 : 0);
          state.gone += r.extensionGone ? 1 : 0;
          state.noMessageStore = (state.noMessageStore ?? 0) + (r.noMessageStore ? 1 : 0);
          state.syncFellBack = (state.syncFellBack ?? 0) + (r.syncFellBack ? 1 : 0);
          if (r.refused) {
            state.refused += 1;
            state.refusedReason ??= r.refused.message;
          }
        })
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
    }
    // Only whole batches advance the cursor, so a continue-as-new never skips an extension.
    await Promise.all(inFlight);
    state.afterId = ids[ids.length - 1];
    if (historyFull(input.maxHistoryEvents)) await continueAsNew<typeof messageFanOutWorkflow>({ ...input, state });
  }
  // Every mailbox refused is a missing permission, not a few odd extensions: say so.
  if (state.extensions > 0 && state.refused === state.extensions) {
    throw ApplicationFailure.nonRetryable(`RingCentral refused every message store (${state.refused}): ${state.refusedReason}`, 'MessageStoresRefused');
  }
  const warning = skippedMailboxesWarning(state);
  if (warning) log.warn(warning);
  return state;
}
