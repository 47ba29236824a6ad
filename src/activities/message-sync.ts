/**
 * One mailbox's message-sync token and its sync frame. RingCentral's message-sync reports
 * changes only to messages created inside the frame the FSync set (`dateFrom`, open-ended
 * when `dateTo` is absent); an ISync with an earlier `dateFrom` widens it. The frame is chosen
 * so that it covers every message of the mailbox the warehouse synced in the last
 * `messageFollowDays`, and widened when a backfill brings in older ones.
 */
import { Context } from '@temporalio/activity';
import { messageSync, type Window } from '../streams/endpoints';
import { RingCentralError } from '../ringcentral/errors';
import type { RingCentralAccount } from '../ringcentral/client';
import { deleteCheckpoint, inTransaction, readCheckpoint, writeCheckpoint, type CheckpointKey } from '../warehouse/checkpoints';
import { upsertMessages } from '../warehouse/records';
import { DEFAULT_EXTRACTION_SETTINGS, type ActivityDeps } from './deps';
import type { StreamCounts } from './window-paging';

export interface MailboxSync {
  accountKey: string;
  extensionId: number;
  /** Creation-time window to page when the mailbox has no token (its first sync, or after MSG-333). */
  window: Window;
  /** Pages one creation-time window of the mailbox's message store (checkpointed per window). */
  pageWindow(window: Window): Promise<StreamCounts>;
}

/**
 * The per-mailbox checkpoint. `frameFrom` is where the token's frame starts. Between an FSync
 * and the end of paging the frame, the token waits as `pendingSyncToken` (a retry resumes the
 * paging instead of syncing again); after a widening ISync, `widen` is the range that entered
 * the frame and still has to be paged once.
 */
type TokenCursor = { syncToken: string; frameFrom: string; widen?: Window };
type SyncCursor = TokenCursor | { pendingSyncToken: string; syncTime: string; frameFrom: string };

export async function syncMailbox(deps: ActivityDeps, rc: RingCentralAccount, m: MailboxSync): Promise<StreamCounts> {
  const key = mailboxKey(m);
  let cursor = await readCheckpoint<SyncCursor>(deps.pool, key);
  // A token from before frames were tracked followed an unknown frame: start over.
  if (cursor && !cursor.frameFrom) cursor = undefined;
  const frameFrom = await wantedFrameStart(deps, m);
  if (cursor && 'syncToken' in cursor) {
    try {
      return await followChanges(deps, rc, m, cursor, frameFrom);
    } catch (err) {
      // MSG-333: the token is too old; start over with a full sync below.
      if (!(err instanceof RingCentralError && err.kind === 'sync_token_expired')) throw err;
      await deleteCheckpoint(deps.pool, key);
      cursor = undefined;
    }
  }
  // Full sync. The FSync comes first: changes made while we page are in the next ISync. Its
  // token is parked in the checkpoint (with its records) until the frame up to its syncTime
  // is paged, so a retry resumes paging instead of starting over.
  let fsync: StreamCounts = { pages: 0, records: 0, written: 0 };
  if (!cursor) {
    const path = messageSync.path(m.extensionId);
    const body = await rc.get(messageSync.rateGroup, path, { syncType: 'FSync', dateFrom: frameFrom }, Context.current().cancellationSignal);
    const { records, syncToken, syncTime } = parseSync(path, body);
    const pending = { pendingSyncToken: syncToken, syncTime: syncTime ?? m.window.to, frameFrom };
    cursor = pending;
    const written = await inTransaction(deps.pool, async (db) => {
      const n = await upsertMessages(db, m.accountKey, m.extensionId, records);
      await writeCheckpoint(db, key, pending);
      return n;
    });
    fsync = { pages: 1, records: records.length, written };
  }
  if (!('pendingSyncToken' in cursor)) throw new Error('unreachable: sync cursor without a pending token');
  // Up to the FSync's own time, so nothing between the snapshot and the FSync falls through a capped FSync.
  const paged = await m.pageWindow({ from: cursor.frameFrom, to: laterIso(cursor.syncTime, m.window.to) });
  await writeCheckpoint(deps.pool, key, { syncToken: cursor.pendingSyncToken, frameFrom: cursor.frameFrom });
  return addCounts(paged, fsync);
}

/**
 * Where the frame must start: the window's start, or earlier when the warehouse holds older
 * messages of this mailbox that were synced within `messageFollowDays` (a backfill).
 */
async function wantedFrameStart(deps: ActivityDeps, m: MailboxSync): Promise<string> {
  const days = deps.settings?.messageFollowDays ?? DEFAULT_EXTRACTION_SETTINGS.messageFollowDays;
  const { rows } = await deps.pool.query<{ oldest: Date | null }>(
    `SELECT min(creation_time) AS oldest FROM ringcentral.message
      WHERE account_id = $1 AND extension_id = $2 AND last_synced_at >= now() - make_interval(days => $3)`,
    [m.accountKey, m.extensionId, days],
  );
  const oldest = rows[0]?.oldest;
  return oldest && oldest.getTime() < Date.parse(m.window.from) ? oldest.toISOString() : m.window.from;
}

/**
 * ISync until a response comes back short of the cap: each response's token is checkpointed
 * with its records. When the frame must start earlier, the first ISync carries the new
 * `dateFrom`; the range that entered the frame is then paged once, because its messages may
 * have changed before the frame reached them.
 */
async function followChanges(deps: ActivityDeps, rc: RingCentralAccount, m: MailboxSync, start: TokenCursor, frameFrom: string): Promise<StreamCounts> {
  const key = mailboxKey(m);
  const path = messageSync.path(m.extensionId);
  const ctx = Context.current();
  const widening = !start.widen && Date.parse(frameFrom) < Date.parse(start.frameFrom);
  let cursor: TokenCursor = widening ? { ...start, frameFrom, widen: { from: frameFrom, to: start.frameFrom } } : start;
  let dateFrom: string | undefined = widening ? frameFrom : undefined;
  const totals: StreamCounts = { pages: 0, records: 0, written: 0 };
  for (;;) {
    ctx.heartbeat({ stream: 'messages', extensionId: m.extensionId, syncPages: totals.pages });
    const query = { syncType: 'ISync', syncToken: cursor.syncToken, recordCount: ISYNC_RECORD_COUNT, ...(dateFrom ? { dateFrom } : {}) };
    const { records, syncToken } = parseSync(path, await rc.get(messageSync.rateGroup, path, query, ctx.cancellationSignal));
    const next: TokenCursor = { ...cursor, syncToken };
    totals.written += await inTransaction(deps.pool, async (db) => {
      const n = await upsertMessages(db, m.accountKey, m.extensionId, records);
      await writeCheckpoint(db, key, next);
      return n;
    });
    cursor = next;
    dateFrom = undefined;
    totals.pages += 1;
    totals.records += records.length;
    if (records.length < ISYNC_RECORD_COUNT) break;
    if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason;
  }
  if (!cursor.widen) return totals;
  const paged = await m.pageWindow(cursor.widen);
  await writeCheckpoint(deps.pool, key, { syncToken: cursor.syncToken, frameFrom: cursor.frameFrom });
  return addCounts(totals, paged);
}

export function mailboxKey(m: { accountKey: string; extensionId: number }): CheckpointKey {
  return { accountId: m.accountKey, stream: 'messages', scope: String(m.extensionId) };
}

/** Records per ISync response; a full response means more changes are waiting. */
const ISYNC_RECORD_COUNT = 250;

function addCounts(a: StreamCounts, b: StreamCounts): StreamCounts {
  return { pages: a.pages + b.pages, records: a.records + b.records, written: a.written + b.written };
}

function laterIso(a: string, b: string): string {
  return Date.parse(a) >= Date.parse(b) ? new Date(Date.parse(a) + 1000).toISOString() : b;
}

function parseSync(path: string, body: unknown): { records: Record<string, unknown>[]; syncToken: string; syncTime?: string } {
  const b = body as { records?: unknown; syncInfo?: { syncToken?: unknown; syncTime?: unknown } } | undefined;
  if (!b || !Array.isArray(b.records) || typeof b.syncInfo?.syncToken !== 'string') {
    throw new RingCentralError('malformed', `${path}: sync response lacks records or syncInfo.syncToken`, { endpoint: path });
  }
  const syncTime = typeof b.syncInfo.syncTime === 'string' && Number.isFinite(Date.parse(b.syncInfo.syncTime)) ? b.syncInfo.syncTime : undefined;
  return { records: b.records as Record<string, unknown>[], syncToken: b.syncInfo.syncToken, syncTime };
}
