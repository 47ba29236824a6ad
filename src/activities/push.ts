/**
 * Push activities: `listenForEvents` holds the account's push listener (src/push/listener.ts)
 * for a while and returns when work is waiting; the listener itself lives in the worker
 * process and outlives the activity by a grace period, so the next `listenForEvents` takes it
 * over without missing an event. A listener that had to be opened anew while an earlier one
 * existed (another worker, a restart, a lapsed lease) records a gap. Results are counts and
 * times only.
 */
import { CancelledFailure, Context } from '@temporalio/activity';
import { PushListener, PushUnavailable } from '../push/listener';
import { latestMailboxes } from '../warehouse/mailboxes';
import { pushWork, readPushState, recordAlive, recordConnected, recordConnecting, recordOff, takeCallLogDue, type PushState } from '../warehouse/push-state';
import { DEFAULT_EXTRACTION_SETTINGS, requireRc, type ActivityDeps } from './deps';
import { withFailureMapping } from './failures';

/** Extension statuses RingCentral refuses a message-store filter for (OAU-236). */
const UNSUBSCRIBABLE_STATUSES = ['Disabled', 'Frozen'];

/** How often a listening activity marks the account's push row alive (message plans trust push only while it is). */
const ALIVE_EVERY_MS = 30_000;

export interface ListenInput {
  accountId: string;
  /** Return after this long at the latest (the workflow loops). */
  maxMs: number;
  /** Once work is waiting, return this much later, so events arriving together make one micro-sync. */
  settleMs: number;
  /** RingCentral's event filters per subscription; more mailboxes take several subscriptions. */
  filtersPerSubscription: number;
  /** An ended call's record is read this long after its event. */
  callLogDueAfterMs: number;
  /** How often each subscription is renewed (and checked for expiry). */
  renewEveryMs: number;
  /** The listener stays open this long after the activity ends, for the next one to take over. */
  leaseGraceMs: number;
}

/** Push health for status lines: ids, counts and times only. */
export interface PushHealth {
  status: PushState['status'] | 'never started';
  offReason?: string;
  connectedSince?: string;
  eventsReceived: number;
  lastEventAt?: string;
  gaps: number;
  dirtyMailboxes: number;
}

export interface ListenResult {
  /** Why push is off (polling carries on); `permanent` when it will not fix itself soon (a refusal). */
  off?: string;
  permanent?: boolean;
  /** Events and gaps during this activity. */
  events: number;
  gaps: number;
  dirtyMailboxes: number;
  callLogDue: boolean;
  health: PushHealth;
}

interface Lease {
  listener: PushListener;
  timer?: NodeJS.Timeout;
}

/** Per worker (its deps), per account: the open listener and the timer that closes it when no activity holds it. */
const leases = new WeakMap<ActivityDeps, Map<string, Lease>>();

export function pushActivities(deps: ActivityDeps) {
  const mine = leases.get(deps) ?? new Map<string, Lease>();
  leases.set(deps, mine);

  /** Closes the account's listener; `why` is recorded as push being off (nothing listens any more). */
  const drop = async (accountId: string, why?: string) => {
    const lease = mine.get(accountId);
    mine.delete(accountId);
    clearTimeout(lease?.timer);
    await lease?.listener.close();
    if (lease && why) await recordOff(deps.pool, accountId, why);
  };

  return {
    async listenForEvents(input: ListenInput): Promise<ListenResult> {
      const ctx = Context.current();
      const { accountId } = input;
      const s = { ...DEFAULT_EXTRACTION_SETTINGS, ...deps.settings };
      // RingCentral refuses a filter for a Disabled or Frozen extension (400 OAU-236, failing its whole
      // batch): those mailboxes get none; their daily reconciliation by scheduled syncs reads them.
      const excludeStatuses = [...s.messageExcludeStatuses, ...UNSUBSCRIBABLE_STATUSES];
      const mailboxes = await latestMailboxes(deps.pool, { accountId, excludeTypes: s.messageExcludeTypes, excludeStatuses });
      let lease = mine.get(accountId);
      if (lease && !lease.listener.isOpen) lease = undefined;
      const before = lease ? { events: lease.listener.events, gaps: lease.listener.gaps } : { events: 0, gaps: 0 };
      if (!lease) {
        const opened = await withFailureMapping(() => openListener(deps, input, mailboxes));
        if (opened instanceof PushUnavailable) {
          await drop(accountId);
          await recordOff(deps.pool, accountId, opened.message);
          return { off: opened.message, permanent: opened.permanent, events: 0, gaps: 0, dirtyMailboxes: 0, callLogDue: false, health: await health(deps, accountId) };
        }
        lease = { listener: opened };
        mine.set(accountId, lease);
      } else await lease.listener.follow(mailboxes);

      const held = lease;
      const started = Date.now();
      let workSince: number | undefined;
      let alive = 0;
      let work = { dirtyMailboxes: 0, callLogDue: false };
      try {
        for (;;) {
          clearTimeout(held.timer);
          held.timer = setTimeout(() => void drop(accountId, 'stopped: no push workflow held the subscription').catch(() => undefined), input.leaseGraceMs);
          held.timer.unref();
          ctx.heartbeat({ events: held.listener.events - before.events });
          if (!held.listener.isOpen) break;
          await held.listener.flush();
          work = await pushWork(deps.pool, accountId);
          if (Date.now() - alive >= ALIVE_EVERY_MS) {
            await recordAlive(deps.pool, accountId);
            alive = Date.now();
          }
          if (work.dirtyMailboxes > 0 || work.callLogDue) workSince ??= Date.now();
          if ((workSince !== undefined && Date.now() - workSince >= input.settleMs) || Date.now() - started >= input.maxMs) break;
          await ctx.sleep(Math.min(500, input.settleMs));
        }
      } catch (err) {
        // Cancelled (the push workflow stopped, or the worker shuts down): unsubscribe. Else a retry opens a new listener.
        await drop(accountId, err instanceof CancelledFailure ? 'stopped' : 'listener failed; retrying');
        throw err;
      }
      return {
        events: held.listener.events - before.events,
        gaps: held.listener.gaps - before.gaps,
        ...work,
        health: await health(deps, accountId),
      };
    },

    /** The push workflow stopped: close the account's listener if this worker holds it (else its lease runs out). */
    async stopListening(input: { accountId: string }): Promise<void> {
      await drop(input.accountId, 'stopped');
    },

    /** Takes the call log's due mark: true when a micro-sync should read its changes now. */
    async takeCallLogDue(input: { accountId: string }): Promise<boolean> {
      return takeCallLogDue(deps.pool, input.accountId);
    },

    /** RingCentral's "now" for a micro-sync, which takes no snapshot to learn it from (GET /restapi: no rate group). */
    async readServerTime(input: { accountId: string }): Promise<string> {
      return withFailureMapping(async () => (await requireRc(deps).forAccount(input.accountId).serverTime(Context.current().cancellationSignal)).toISOString());
    },

  };
}

/** A new listener, or why push cannot run; every new listener records a gap (its mailboxes' marks come after events' marks). */
async function openListener(deps: ActivityDeps, input: ListenInput, mailboxes: number[]): Promise<PushListener | PushUnavailable> {
  const { accountId } = input;
  const previous = await readPushState(deps.pool, accountId);
  await recordConnecting(deps.pool, accountId);
  const rc = requireRc(deps).forAccount(accountId);
  const log = Context.current().log; // kept: the listener outlives this activity
  try {
    const listener = await PushListener.open({
      pool: deps.pool,
      accountId,
      session: await rc.pushSession(),
      mailboxes,
      filtersPerSubscription: input.filtersPerSubscription,
      callLogDueAfterMs: input.callLogDueAfterMs,
      renewEveryMs: input.renewEveryMs,
      onError: (what, err) => log.warn(`push: ${what} failed: ${err instanceof Error ? err.name : 'error'}`),
    });
    await recordConnected(deps.pool, accountId);
    // Whatever changed before this subscription reached no listener: after an earlier one, or
    // since the scheduled syncs last read each mailbox (they stop guessing once push watches).
    await listener.recordGap(previous ? 'resubscribed' : 'first subscription');
    return listener;
  } catch (err) {
    if (err instanceof PushUnavailable) return err;
    throw err;
  }
}

async function health(deps: ActivityDeps, accountId: string): Promise<PushHealth> {
  const p = await readPushState(deps.pool, accountId);
  if (!p) return { status: 'never started', eventsReceived: 0, gaps: 0, dirtyMailboxes: 0 };
  return {
    status: p.status,
    offReason: p.offReason,
    connectedSince: p.connectedSince?.toISOString(),
    eventsReceived: p.eventsReceived,
    lastEventAt: p.lastEventAt?.toISOString(),
    gaps: p.gaps,
    dirtyMailboxes: p.dirtyMailboxes,
  };
}
