/**
 * Push notifications drive micro-syncs, one long-running workflow per account:
 *   loop: hold the subscription (listenForEvents) until events left work waiting, or a while;
 *         then, if dirty mailboxes or a due call log wait, a micro-sync (a child
 *         accountSyncWorkflow with `micro: true`, in the account's one sync slot: a held slot
 *         means later, not an error).
 * Events never enter history: the listener writes their effect (ids and times) to Postgres and
 * the activity returns counts. Push refused (permission, transport): the workflow records
 * why, waits `offRetryMs` and tries again; the scheduled syncs run unchanged meanwhile.
 * Continues as new every `loopsPerRun` loops, so history stays bounded over any number of renewals.
 */
import { CancellationScope, ParentClosePolicy, continueAsNew, isCancellation, defineQuery, executeChild, log, setCurrentDetails, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { PushHealth } from '../activities/push';
import { microSyncWorkflowId } from '../push/run-ids';
import { pushStatusLine } from '../push/status-line';
import { accountSyncWorkflow } from './account-sync';
import { bookkeeping, listening } from './activity-options';
import { historyFull } from './history';
import { MINUTE, HOUR, SECOND } from './windows';

export interface PushInput {
  accountId: string;
  /** One listenForEvents at most this long (its result refreshes the health shown). */
  listenMs?: number;
  /** Once work waits, gather events this much longer before the micro-sync. */
  settleMs?: number;
  /** Micro-syncs start at most this often; it is also their Light budget's interval. */
  microIntervalMs?: number;
  /** Push off: try again after this long (a transport failure: at most 1 min). */
  offRetryMs?: number;
  /** RingCentral's event filters per subscription. */
  filtersPerSubscription?: number;
  /** An ended call's record is read this long after its event (RingCentral: calls appear 15-30 s after they end). */
  callLogDueAfterMs?: number;
  /** Subscriptions are renewed (and checked for expiry) this often. */
  renewEveryMs?: number;
  /** The listener outlives an activity by this long, so the next one takes over without a gap. */
  leaseGraceMs?: number;
  /** Continue as new after this many loops. */
  loopsPerRun?: number;
  state?: PushLoopState;
}

/** What an unset PushInput field means (wall time; the freshness bench scales them with its simulator's clock). */
export const PUSH_DEFAULTS = {
  listenMs: MINUTE,
  settleMs: 2 * SECOND,
  microIntervalMs: 30 * SECOND,
  offRetryMs: HOUR,
  filtersPerSubscription: 1000,
  callLogDueAfterMs: 35 * SECOND,
  renewEveryMs: 5 * MINUTE,
  leaseGraceMs: 5 * MINUTE,
  loopsPerRun: 100,
} satisfies Required<Omit<PushInput, 'accountId' | 'state'>>;

export interface PushLoopState {
  loops: number;
  microSyncs: number;
  /** Micro-syncs that failed (each in its own run); the loop carries on. */
  microSyncsFailed?: number;
  events: number;
  /** Workflow time of the last micro-sync's start. */
  lastMicroAt?: number;
  health?: PushHealth;
}

export const pushProgress = defineQuery<PushLoopState & { line: string }>('progress');

export const pushWorkflowId = (account: string) => `push-${account}`;

export async function pushWorkflow(input: PushInput): Promise<never> {
  const state: PushLoopState = input.state ?? { loops: 0, microSyncs: 0, events: 0 };
  const line = () => (state.health ? pushStatusLine(state.health) : 'push: starting');
  setHandler(pushProgress, () => ({ ...state, line: line() }));

  try {
    return await loop(input, state, line);
  } catch (err) {
    // Stopped: unsubscribe now rather than when the listener's lease runs out.
    if (isCancellation(err)) await CancellationScope.nonCancellable(() => bookkeeping.stopListening({ accountId: input.accountId }));
    throw err;
  }
}

async function loop(input: PushInput, state: PushLoopState, line: () => string): Promise<never> {
  const o = { ...PUSH_DEFAULTS, ...definedFields(input) };
  const { listenForEvents } = listening(o.listenMs);
  for (let loop = 0; ; loop++) {
    const r = await listenForEvents({
      accountId: input.accountId,
      maxMs: o.listenMs,
      settleMs: o.settleMs,
      filtersPerSubscription: o.filtersPerSubscription,
      callLogDueAfterMs: o.callLogDueAfterMs,
      renewEveryMs: o.renewEveryMs,
      leaseGraceMs: o.leaseGraceMs,
    });
    state.loops += 1;
    state.events += r.events;
    state.health = r.health;
    setCurrentDetails(`${line()} · micro-syncs ${state.microSyncs}${state.microSyncsFailed ? ` (failed ${state.microSyncsFailed})` : ''}`);

    if (r.off) await sleep(r.permanent ? o.offRetryMs : Math.min(o.offRetryMs, MINUTE));
    else if (r.dirtyMailboxes > 0 || r.callLogDue) {
      const wait = (state.lastMicroAt ?? -Infinity) + o.microIntervalMs - Date.now();
      if (wait > 0) await sleep(wait);
      state.lastMicroAt = Date.now();
      state.microSyncs += 1;
      const result = await executeChild(accountSyncWorkflow, {
        workflowId: microSyncWorkflowId(workflowInfo().workflowId, workflowInfo().firstExecutionRunId, state.microSyncs),
        staticSummary: 'Micro-sync: the mailboxes and call log push events marked',
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        args: [{ accountId: input.accountId, micro: true, scheduleIntervalMs: o.microIntervalMs }],
      }).catch((err: unknown) => {
        if (isCancellation(err)) throw err;
        // Its failure is in its own run and history; the marks it did not clear wait for the next one.
        state.microSyncsFailed = (state.microSyncsFailed ?? 0) + 1;
        log.warn('push micro-sync failed; the next loop tries again', { failed: state.microSyncsFailed });
        return { phase: 'skipped' as const };
      });
      // Another sync holds the account (it reads the dirty mailboxes too), or this one failed: the next loop does.
      if (result.phase === 'skipped') await sleep(o.settleMs);
    }
    if (loop + 1 >= o.loopsPerRun || historyFull()) await continueAsNew<typeof pushWorkflow>({ ...input, state });
  }
}

/** The fields a caller set (an explicit undefined must not hide a default). */
function definedFields<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
