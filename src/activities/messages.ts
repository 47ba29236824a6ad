/**
 * One extension's message store. Backfill pages the message store by creation-date window;
 * incremental runs use RingCentral's message-sync (ISync) token, checkpointed per
 * extension, which also reports messages changed or deleted after we first saw them.
 */
import { Context } from '@temporalio/activity';
import { messageStore, messageSync, type Window } from '../streams/endpoints';
import { RingCentralError } from '../ringcentral/errors';
import type { RingCentralAccount } from '../ringcentral/client';
import { deleteCheckpoint, inTransaction, readCheckpoint, touchRunProgress, writeCheckpoint } from '../warehouse/checkpoints';
import { upsertMessages } from '../warehouse/records';
import { DEFAULT_EXTRACTION_SETTINGS, requireRc, type ActivityDeps } from './deps';
import { withFailureMapping } from './failures';
import { pageWindowWithCheckpoint, type StreamCounts } from './window-paging';

export interface ExtensionMessagesInput {
  accountKey: string;
  extensionId: number;
  /** Creation-time window paged from the message store (backfill, or the first sync of an extension). */
  window: Window;
  /** 'backfill': the window only. 'sync': ISync from the stored token, or FSync + window when there is none. */
  mode: 'backfill' | 'sync';
}

export interface ExtensionMessagesResult extends StreamCounts {
  /** The extension was deleted since it was listed: recorded, not a failure. */
  extensionGone: boolean;
  /** RingCentral refused this mailbox (403 or 400): recorded per extension; the fan-out decides. */
  refused?: { kind: 'permission' | 'bad_request'; message: string };
}

/**
 * The per-extension checkpoint: a ready ISync token, or, between an FSync and the end of
 * paging the window it covers, the token waiting to become ready (so a retry does not
 * FSync again) and the server time the window extends to.
 */
type SyncCursor = { syncToken: string } | { pendingSyncToken: string; syncTime: string };

export function messageActivities(deps: ActivityDeps) {
  return {
    async syncExtensionMessages(input: ExtensionMessagesInput): Promise<ExtensionMessagesResult> {
      return withFailureMapping(async () => {
        const rc = requireRc(deps).forAccount(input.accountKey);
        const empty = { pages: 0, records: 0, written: 0, extensionGone: false };
        try {
          if (input.mode === 'sync') return { ...(await incremental(deps, rc, input)), extensionGone: false };
          return { ...(await pageWindow(deps, rc, input, input.window, true)), extensionGone: false };
        } catch (err) {
          if (!(err instanceof RingCentralError)) throw err;
          if (err.kind === 'not_found') {
            await deleteCheckpoint(deps.pool, { accountId: input.accountKey, stream: 'messages', scope: String(input.extensionId) });
            return { ...empty, extensionGone: true };
          }
          // One mailbox we may not read must not fail the whole account's sync.
          if (err.kind === 'permission' || err.kind === 'bad_request') return { ...empty, refused: { kind: err.kind, message: err.message } };
          throw err;
        }
      });
    },

    /** Extension ids of a run's snapshot whose message stores are synced, in pages (fan-out input). */
    async listMessageExtensions(input: { runId: string; afterId: number; limit: number }): Promise<number[]> {
      const s = { ...DEFAULT_EXTRACTION_SETTINGS, ...deps.settings };
      const { rows } = await deps.pool.query<{ extension_id: number }>(
        `SELECT extension_id FROM ringcentral.extension_snapshot
          WHERE run_id = $1 AND extension_id > $2 AND type = ANY($3) AND status = ANY($4)
          ORDER BY extension_id LIMIT $5`,
        [input.runId, input.afterId, s.messageExtensionTypes, s.messageExtensionStatuses, input.limit],
      );
      await touchRunProgress(deps.pool, input.runId);
      return rows.map((r) => r.extension_id);
    },
  };
}

function pageWindow(deps: ActivityDeps, rc: RingCentralAccount, input: ExtensionMessagesInput, window: Window, keepDoneMarker: boolean): Promise<StreamCounts> {
  const { accountKey: accountId, extensionId } = input;
  return pageWindowWithCheckpoint(deps, rc, {
    endpoint: messageStore,
    params: { ...window, extensionId },
    key: { accountId, stream: 'messages', scope: `${extensionId}:${window.from}/${window.to}` },
    keepDoneMarker,
    write: (db, records) => upsertMessages(db, accountId, extensionId, records),
    where: { stream: 'messages', extensionId },
  });
}

async function incremental(deps: ActivityDeps, rc: RingCentralAccount, input: ExtensionMessagesInput): Promise<StreamCounts> {
  const { accountKey: accountId, extensionId } = input;
  const key = { accountId, stream: 'messages', scope: String(extensionId) };
  let cursor = await readCheckpoint<SyncCursor>(deps.pool, key);
  if (cursor && 'syncToken' in cursor) {
    try {
      return await incrementalChanges(deps, rc, input, cursor.syncToken);
    } catch (err) {
      // MSG-333: the token is too old; start over with a full sync below.
      if (!(err instanceof RingCentralError && err.kind === 'sync_token_expired')) throw err;
      await deleteCheckpoint(deps.pool, key);
      cursor = undefined;
    }
  }
  // Full sync. The FSync comes first: changes made while we page are in the next ISync. Its
  // token is parked in the checkpoint (with its records) until the window up to its syncTime
  // is paged, so a retry resumes paging instead of starting over.
  let fsync = { pages: 0, records: 0, written: 0 };
  if (!cursor) {
    const body = await rc.get(messageSync.rateGroup, messageSync.path(extensionId), { syncType: 'FSync', dateFrom: input.window.to }, Context.current().cancellationSignal);
    const { records, syncToken, syncTime } = parseSync(messageSync.path(extensionId), body);
    cursor = { pendingSyncToken: syncToken, syncTime: syncTime ?? input.window.to };
    const pending = cursor;
    const written = await inTransaction(deps.pool, async (db) => {
      const n = await upsertMessages(db, accountId, extensionId, records);
      await writeCheckpoint(db, key, pending);
      return n;
    });
    fsync = { pages: 1, records: records.length, written };
  }
  if (!('pendingSyncToken' in cursor)) throw new Error('unreachable: sync cursor without a pending token');
  // Up to the FSync's own time, so nothing between the snapshot and the FSync falls through a capped FSync.
  const paged = await pageWindow(deps, rc, input, { from: input.window.from, to: laterIso(cursor.syncTime, input.window.to) }, false);
  await writeCheckpoint(deps.pool, key, { syncToken: cursor.pendingSyncToken });
  return { pages: paged.pages + fsync.pages, records: paged.records + fsync.records, written: paged.written + fsync.written };
}

/** ISync until a response comes back short of the cap: each response's token is checkpointed with its records. */
async function incrementalChanges(deps: ActivityDeps, rc: RingCentralAccount, input: ExtensionMessagesInput, startToken: string): Promise<StreamCounts> {
  const { accountKey: accountId, extensionId } = input;
  const key = { accountId, stream: 'messages', scope: String(extensionId) };
  const path = messageSync.path(extensionId);
  const ctx = Context.current();
  const totals: StreamCounts = { pages: 0, records: 0, written: 0 };
  let token = startToken;
  for (;;) {
    ctx.heartbeat({ stream: 'messages', extensionId, syncPages: totals.pages });
    const body = await rc.get(messageSync.rateGroup, path, { syncType: 'ISync', syncToken: token, recordCount: ISYNC_RECORD_COUNT }, ctx.cancellationSignal);
    const { records, syncToken } = parseSync(path, body);
    totals.written += await inTransaction(deps.pool, async (db) => {
      const n = await upsertMessages(db, accountId, extensionId, records);
      await writeCheckpoint(db, key, { syncToken });
      return n;
    });
    totals.pages += 1;
    totals.records += records.length;
    token = syncToken;
    if (records.length < ISYNC_RECORD_COUNT) return totals;
    if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason;
  }
}

/** Records per ISync response; a full response means more changes are waiting. */
const ISYNC_RECORD_COUNT = 250;

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
