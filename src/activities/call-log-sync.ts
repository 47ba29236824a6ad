/**
 * A sync's call log through the account-level call-log-sync instead of re-reading a look-back
 * window every run. The first time (or after the token lapsed): an FSync for its token, then
 * the frame is paged once with the call log's own paging (checkpointed per page). From then
 * on: ISync from the stored token; each response of up to 250 changes is committed with the
 * token that follows it, so a lost worker re-fetches at most the response in flight. New
 * calls, late recordings and deletions all arrive as changes, so nothing is read twice.
 * Where the account refuses call-log-sync (403), the caller falls back to look-back windows;
 * the refusal is remembered and asked about again after a day.
 */
import type { RingCentralAccount } from '../ringcentral/client';
import { RingCentralError } from '../ringcentral/errors';
import { callLogSync, type Window } from '../streams/endpoints';
import { paginate } from '../streams/paginate';
import { NO_COUNTS, writePages, type StreamCounts } from '../streams/page-writer';
import { deleteCheckpoint, readCheckpoint, writeCheckpoint, type CheckpointKey } from '../warehouse/checkpoints';
import { upsertCallLogRecords } from '../warehouse/records';
import { pageCallLogWindow } from './call-log';
import { pageWriter, requireRc, type ActivityDeps } from './deps';
import { withFailureMapping } from './failures';
import { activityIdentity } from './window-paging';

const DAY_MS = 24 * 3_600_000;
/** FSync's dateFrom may be at most 30 days back; a day's margin for the clocks. */
const FSYNC_MAX_AGE_MS = 29 * DAY_MS;
/** After a 403, how long the look-back windows are used before call-log-sync is asked again. */
export const ASK_AGAIN_AFTER_MS = DAY_MS;

export interface CallLogChangesInput {
  accountId: string;
  /** Start times to cover if a full sync is needed; `to` is the server's "now" less the lag. */
  frame: Window;
  runId?: string;
  /** Start over with an FSync even when a token is held: the request plan found it cheaper than the ISync's changes. */
  fullSync?: boolean;
}

export interface CallLogChanges extends StreamCounts {
  /** How the changes were read: ISync from a stored token, an FSync plus the frame's pages, or not at all (403). */
  via: 'ISync' | 'FSync' | 'refused';
  /** The window the FSync's frame was paged over. */
  window?: Window;
}

/**
 * The account's call-log-sync checkpoint. A token carries the writing activity (`by`) and its
 * counts, so a retried attempt reports everything it wrote; `pendingSyncToken` waits until
 * the FSync's frame is paged.
 */
type SyncCheckpoint =
  | ({ syncToken: string; by?: string } & Partial<StreamCounts>)
  | { pendingSyncToken: string; window: Window }
  | { refusedAt: string };

export function callLogSyncActivities(deps: ActivityDeps) {
  return {
    /** A sync's call log through call-log-sync; `via: 'refused'` leaves it to the look-back windows. */
    async syncCallLogChanges(input: CallLogChangesInput): Promise<CallLogChanges> {
      return withFailureMapping(() => syncCallLogChanges(deps, requireRc(deps).forAccount(input.accountId), input));
    },
  };
}

export function callLogSyncKey(accountId: string): CheckpointKey {
  return { accountId, stream: 'call_log', scope: 'call-log-sync' };
}

export async function syncCallLogChanges(deps: ActivityDeps, rc: RingCentralAccount, input: CallLogChangesInput): Promise<CallLogChanges> {
  const key = callLogSyncKey(input.accountId);
  let saved = await readCheckpoint<SyncCheckpoint>(deps.pool, key);
  if (saved && 'refusedAt' in saved) {
    if (Date.parse(input.frame.to) - Date.parse(saved.refusedAt) < ASK_AGAIN_AFTER_MS) return { ...NO_COUNTS, via: 'refused' };
    saved = undefined;
  }
  try {
    if (saved && 'syncToken' in saved && input.fullSync) saved = undefined;
    if (saved && 'syncToken' in saved) {
      const changes = await followCallLogChanges(deps, rc, input, saved);
      if (changes) return { ...changes, via: 'ISync' };
      saved = undefined;
    }
    return { ...(await fullSync(deps, rc, input, saved)), via: 'FSync' };
  } catch (err) {
    if (!(err instanceof RingCentralError && err.kind === 'permission')) throw err;
    await writeCheckpoint(deps.pool, key, { refusedAt: input.frame.to } satisfies SyncCheckpoint);
    return { ...NO_COUNTS, via: 'refused' };
  }
}

/** ISync until a response comes back short; undefined when the token is no longer accepted. */
async function followCallLogChanges(
  deps: ActivityDeps,
  rc: RingCentralAccount,
  input: CallLogChangesInput,
  saved: Extract<SyncCheckpoint, { syncToken: string }>,
): Promise<StreamCounts | undefined> {
  const by = activityIdentity();
  const counts = saved.by === by ? { pages: saved.pages ?? 0, records: saved.records ?? 0, written: saved.written ?? 0 } : NO_COUNTS;
  const key = callLogSyncKey(input.accountId);
  try {
    return await writePages(pageWriter(deps, rc), {
      endpoint: callLogSync,
      params: {},
      start: { syncToken: saved.syncToken },
      key,
      counts,
      write: (db, records) => upsertCallLogRecords(db, input.accountId, records),
      after: (page, total) => ({ checkpoint: { syncToken: page.resume!.syncToken!, by, ...total } satisfies SyncCheckpoint, next: page.next }),
      runId: input.runId,
      where: { stream: 'call_log', via: 'call-log-sync' },
    });
  } catch (err) {
    // Too old (30 days) or otherwise refused: RingCentral names no CLG code for it, the simulator answers CMN-101.
    const lapsed = err instanceof RingCentralError && (err.kind === 'sync_token_expired' || (err.kind === 'bad_request' && err.details.errorCode === 'CMN-101'));
    if (!lapsed) throw err;
    await deleteCheckpoint(deps.pool, key);
    return undefined;
  }
}

/**
 * FSync for a token, then page the frame up to the FSync's own time: whatever changes after
 * that comes with the next ISync. A retry finds the token pending and resumes the paging.
 */
async function fullSync(deps: ActivityDeps, rc: RingCentralAccount, input: CallLogChangesInput, saved: SyncCheckpoint | undefined): Promise<StreamCounts & { window: Window }> {
  const key = callLogSyncKey(input.accountId);
  let pending = saved && 'pendingSyncToken' in saved ? saved : undefined;
  if (!pending) {
    const { frame } = input;
    const dateFrom = new Date(Math.max(Date.parse(frame.from), Date.parse(frame.to) - FSYNC_MAX_AGE_MS)).toISOString();
    const ctx = pageWriter(deps, rc);
    await paginate(
      rc,
      callLogSync,
      {},
      { dateFrom },
      async (page) => {
        const syncTime = page.resume?.syncTime;
        const to = syncTime && Date.parse(syncTime) >= Date.parse(frame.to) ? new Date(Date.parse(syncTime) + 1000).toISOString() : frame.to;
        pending = { pendingSyncToken: page.resume!.syncToken!, window: { from: frame.from, to } };
        return undefined;
      },
      { beforeRequest: () => ctx.activity.heartbeat({ stream: 'call_log', request: 'FSync' }), signal: ctx.activity.cancellationSignal },
    );
    await writeCheckpoint(deps.pool, key, pending);
  }
  const { pendingSyncToken, window } = pending!;
  const paged = await pageCallLogWindow(deps, rc, { accountId: input.accountId, window, keepDoneMarker: false, runId: input.runId });
  // The window's counts travel with the token, so a retry after this point still reports them.
  await writeCheckpoint(deps.pool, key, { syncToken: pendingSyncToken, by: activityIdentity(), ...paged } satisfies SyncCheckpoint);
  return { ...paged, window };
}
