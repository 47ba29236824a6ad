/**
 * One mailbox's message-sync token and its sync frame. RingCentral's message-sync reports
 * changes only to messages created inside the frame the FSync set (`dateFrom`, open-ended
 * when `dateTo` is absent); an ISync with an earlier `dateFrom` widens it. The frame is chosen
 * so that it covers every message of the mailbox the warehouse synced in the last
 * `messageFollowDays`, and widened when a backfill brings in older ones.
 */
import { messageSync, type Window } from '../streams/endpoints';
import { addCounts, NO_COUNTS, writePages, type PageStream, type StreamCounts } from '../streams/page-writer';
import type { Page, SyncCursor } from '../streams/paging';
import { RingCentralError } from '../ringcentral/errors';
import type { RingCentralAccount } from '../ringcentral/client';
import { deleteCheckpoint, readCheckpoint, writeCheckpoint, type CheckpointKey } from '../warehouse/checkpoints';
import { oldestFollowedMessage } from '../warehouse/mailboxes';
import { upsertMessages } from '../warehouse/records';
import { DEFAULT_EXTRACTION_SETTINGS, pageWriter, type ActivityDeps } from './deps';
import { activityIdentity } from './window-paging';
import type { Db } from '../warehouse/db';

export interface MailboxSync {
  accountId: string;
  extensionId: number;
  /** Creation-time window to page when the mailbox has no token (its first sync, or after MSG-333). */
  window: Window;
  /** Pages one creation-time window of the mailbox's message store (checkpointed per window). */
  pageWindow(window: Window): Promise<StreamCounts>;
  /**
   * Take the token but leave the frame's paging owed in the checkpoint (a pending token, or a
   * widening's range): a message-store export is to bring those messages (completeHandover).
   */
  deferPaging?: boolean;
}

/**
 * The per-mailbox checkpoint. `frameFrom` is where the token's frame starts. Between an FSync
 * and the end of paging the frame, the token waits as `pendingSyncToken` (a retry resumes the
 * paging instead of syncing again); after a widening ISync, `widen` is the range that entered
 * the frame and still has to be paged once.
 */
type TokenCursor = { syncToken: string; frameFrom: string; widen?: Window };
type MailboxCheckpoint = TokenCursor | { pendingSyncToken: string; syncTime: string; frameFrom: string; fsync?: StreamCounts; by?: string };

export async function syncMailbox(deps: ActivityDeps, rc: RingCentralAccount, m: MailboxSync): Promise<StreamCounts> {
  const key = mailboxKey(m);
  let cursor = await readCheckpoint<MailboxCheckpoint>(deps.pool, key);
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
  let fsync = NO_COUNTS;
  const by = activityIdentity();
  if (!cursor) {
    let pending: MailboxCheckpoint | undefined;
    fsync = await writePages(pageWriter(deps, rc), {
      ...mailboxStream(m),
      start: { dateFrom: frameFrom },
      after: (page, counts) => {
        // With the FSync's counts, so a retry that resumes the paging still reports what the FSync wrote.
        pending = { pendingSyncToken: tokenOf(page), syncTime: page.resume?.syncTime ?? m.window.to, frameFrom, fsync: counts, by };
        return { checkpoint: pending, next: undefined };
      },
    });
    cursor = pending;
  } else if ('pendingSyncToken' in cursor && cursor.by === by && cursor.fsync) {
    fsync = cursor.fsync; // an earlier attempt of this activity ran the FSync
  }
  if (!cursor || !('pendingSyncToken' in cursor)) throw new Error('unreachable: sync cursor without a pending token');
  if (m.deferPaging) return fsync;
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
  const oldest = await oldestFollowedMessage(deps.pool, { accountId: m.accountId, extensionId: m.extensionId, days });
  return oldest && oldest.getTime() < Date.parse(m.window.from) ? oldest.toISOString() : m.window.from;
}

/**
 * ISync until a response comes back short of the cap: each response's token is checkpointed
 * with its records. When the frame must start earlier, the first ISync carries the new
 * `dateFrom`; the range that entered the frame is then paged once, because its messages may
 * have changed before the frame reached them.
 */
async function followChanges(deps: ActivityDeps, rc: RingCentralAccount, m: MailboxSync, start: TokenCursor, frameFrom: string): Promise<StreamCounts> {
  const widening = !start.widen && Date.parse(frameFrom) < Date.parse(start.frameFrom);
  let cursor: TokenCursor = widening ? { ...start, frameFrom, widen: { from: frameFrom, to: start.frameFrom } } : start;
  const totals = await writePages(pageWriter(deps, rc), {
    ...mailboxStream(m),
    start: { syncToken: cursor.syncToken, dateFrom: widening ? frameFrom : undefined },
    after: (page) => {
      cursor = { ...cursor, syncToken: tokenOf(page) };
      return { checkpoint: cursor, next: page.next };
    },
  });
  if (!cursor.widen || m.deferPaging) return totals;
  const paged = await m.pageWindow(cursor.widen);
  await writeCheckpoint(deps.pool, mailboxKey(m), { syncToken: cursor.syncToken, frameFrom: cursor.frameFrom });
  return addCounts(totals, paged);
}

/**
 * A message-store export of creation times `covered` has landed (its end: the task's creation,
 * after the hand-over took the tokens). The paging the mailbox's checkpoint owes (deferPaging)
 * is done, but for the part before `covered.from`, which stays owed as a widening the next sync
 * pages once. A token taken after the export's end (a later run's hand-over) keeps owing all.
 */
export async function completeHandover(db: Db, key: CheckpointKey, covered: Window): Promise<void> {
  const cursor = await readCheckpoint<MailboxCheckpoint>(db, key);
  const owed = cursor && 'pendingSyncToken' in cursor ? { from: cursor.frameFrom, to: cursor.syncTime } : cursor?.widen;
  if (!cursor || !cursor.frameFrom || !owed || Date.parse(owed.to) > Date.parse(covered.to)) return;
  const syncToken = 'pendingSyncToken' in cursor ? cursor.pendingSyncToken : cursor.syncToken;
  const uncovered = Date.parse(owed.from) < Date.parse(covered.from) ? { from: owed.from, to: earlierIso(owed.to, covered.from) } : undefined;
  await writeCheckpoint(db, key, { syncToken, frameFrom: cursor.frameFrom, ...(uncovered ? { widen: uncovered } : {}) } satisfies TokenCursor);
}

/** The mailbox's message-sync as a page stream: its records go to the message table, its tokens to the mailbox's checkpoint. */
function mailboxStream(m: MailboxSync): Omit<PageStream<{ extensionId: number }, SyncCursor>, 'start' | 'after'> {
  return {
    endpoint: messageSync,
    params: { extensionId: m.extensionId },
    key: mailboxKey(m),
    write: (db, records) => upsertMessages(db, m.accountId, m.extensionId, records),
    where: { stream: 'messages', extensionId: m.extensionId },
  };
}

function tokenOf(page: Page<SyncCursor>): string {
  // The sync strategy rejects a response without a token, so every page has one.
  return page.resume!.syncToken!;
}

export function mailboxKey(m: { accountId: string; extensionId: number }): CheckpointKey {
  return { accountId: m.accountId, stream: 'messages', scope: String(m.extensionId) };
}

function earlierIso(a: string, b: string): string {
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

function laterIso(a: string, b: string): string {
  return Date.parse(a) >= Date.parse(b) ? new Date(Date.parse(a) + 1000).toISOString() : b;
}
