/**
 * One extension's message store. Backfill pages the message store by creation-date window;
 * incremental runs use RingCentral's message-sync (ISync) token, checkpointed per extension
 * with its sync frame (message-sync.ts). What RingCentral answers instead of messages is an
 * outcome counted per mailbox, never a silent skip.
 */
import { Context } from '@temporalio/activity';
import { extensionInfo, messageStore, type Window } from '../streams/endpoints';
import { RingCentralError } from '../ringcentral/errors';
import type { RingCentralAccount } from '../ringcentral/client';
import { deleteCheckpoint } from '../warehouse/checkpoints';
import { snapshotMailboxes } from '../warehouse/mailboxes';
import { touchRunProgress } from '../warehouse/sync-runs';
import { upsertMessages } from '../warehouse/records';
import { DEFAULT_EXTRACTION_SETTINGS, requireRc, type ActivityDeps } from './deps';
import { withFailureMapping } from './failures';
import { mailboxKey, syncMailbox } from './message-sync';
import { NO_COUNTS, type StreamCounts } from '../streams/page-writer';
import { pageWindowWithCheckpoint } from './window-paging';

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
  /** The extension exists but has no message store (403 MSG-314, or 404 from message-sync and the store alike). */
  noMessageStore?: boolean;
  /** message-sync answered 404 for the listed extension, so its window was paged from the message store instead. */
  syncFellBack?: boolean;
}

/** "Extension is of inappropriate type": the extension has no mailbox. */
const NO_MAILBOX_CODE = 'MSG-314';

export function messageActivities(deps: ActivityDeps) {
  return {
    async syncExtensionMessages(input: ExtensionMessagesInput): Promise<ExtensionMessagesResult> {
      return withFailureMapping(async () => {
        const rc = requireRc(deps).forAccount(input.accountKey);
        const empty = { ...NO_COUNTS, extensionGone: false };
        const page = (window: Window, keepDoneMarker: boolean) => pageWindow(deps, rc, input, window, keepDoneMarker);
        try {
          try {
            if (input.mode === 'sync') return { ...(await syncMailbox(deps, rc, { ...input, pageWindow: (w) => page(w, false) })), extensionGone: false };
            return { ...(await page(input.window, true)), extensionGone: false };
          } catch (err) {
            // The extension was in this run's list: a 404 from message-sync is not "gone"; read the store instead.
            if (!(err instanceof RingCentralError && err.kind === 'not_found' && err.details.endpoint?.includes('/message-sync'))) throw err;
            return { ...(await page(input.window, false)), extensionGone: false, syncFellBack: true };
          }
        } catch (err) {
          if (!(err instanceof RingCentralError)) throw err;
          if (err.kind === 'not_found') {
            if (await extensionExists(rc, input.extensionId)) return { ...empty, noMessageStore: true };
            await deleteCheckpoint(deps.pool, mailboxKey(input));
            return { ...empty, extensionGone: true };
          }
          if (err.kind === 'permission' && err.details.errorCode === NO_MAILBOX_CODE) return { ...empty, noMessageStore: true };
          // One mailbox we may not read must not fail the whole account's sync.
          if (err.kind === 'permission' || err.kind === 'bad_request') return { ...empty, refused: { kind: err.kind, message: err.message } };
          throw err;
        }
      });
    },

    /** Extension ids of a run's snapshot whose message stores are synced: all but the excluded types and statuses, in pages (fan-out input). */
    async listMessageExtensions(input: { runId: string; afterId: number; limit: number }): Promise<number[]> {
      const s = { ...DEFAULT_EXTRACTION_SETTINGS, ...deps.settings };
      const ids = await snapshotMailboxes(deps.pool, { ...input, excludeTypes: s.messageExcludeTypes, excludeStatuses: s.messageExcludeStatuses });
      await touchRunProgress(deps.pool, input.runId);
      return ids;
    },
  };
}

/** Tells an extension deleted since it was listed from one that exists without a message store. */
async function extensionExists(rc: RingCentralAccount, extensionId: number): Promise<boolean> {
  try {
    await rc.get(extensionInfo.rateGroup, extensionInfo.path(extensionId), {}, Context.current().cancellationSignal);
    return true;
  } catch (err) {
    if (err instanceof RingCentralError && err.kind === 'not_found') return false;
    throw err;
  }
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

