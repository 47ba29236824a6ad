/**
 * One extension's message store. Backfill pages the message store by creation-date window and
 * leaves the mailbox a message-sync token; incremental runs follow that token (ISync),
 * checkpointed per extension with its sync frame (message-sync.ts), for the mailboxes the
 * sync's plan selected (message-budget.ts). What RingCentral answers instead of messages is
 * an outcome counted per mailbox, never a silent skip.
 */
import { Context } from '@temporalio/activity';
import { extensionInfo, messageStore, type Window } from '../streams/endpoints';
import { RingCentralError } from '../ringcentral/errors';
import type { RingCentralAccount } from '../ringcentral/client';
import { deleteCheckpoint } from '../warehouse/checkpoints';
import { countSnapshotMailboxes, snapshotMailboxes } from '../warehouse/mailboxes';
import { pushWatching } from '../warehouse/push-state';
import { latestCompleteSnapshot } from '../warehouse/snapshots';
import { clearDirtyMark, dirtyMark, dropUnlistedDirtyMarks, learntLightLimit, mailboxCandidates, recordReconciled, saveSelection, selectedMailboxes } from '../warehouse/mailbox-state';
import { DEFAULT_LIMITS } from '../ratelimit/governor';
import { planMailboxes, type MessagePlan } from './message-budget';
import { touchRunProgress } from '../warehouse/sync-runs';
import { upsertMessages } from '../warehouse/records';
import { DEFAULT_EXTRACTION_SETTINGS, requireRc, type ActivityDeps } from './deps';
import { withFailureMapping } from './failures';
import { mailboxKey, syncMailbox } from './message-sync';
import { addCounts, NO_COUNTS, type StreamCounts } from '../streams/page-writer';
import { pageWindowWithCheckpoint } from './window-paging';

export interface ExtensionMessagesInput {
  accountId: string;
  extensionId: number;
  /** Creation-time window paged from the message store (backfill, or the first sync of an extension). */
  window: Window;
  /**
   * 'backfill': the window, handing a sync token over (FSync, or a widening ISync). 'sync': ISync from the stored token, or FSync + window when there is none.
   * 'handover': a backfill's token only, its paging left owed for a message-store export to bring (completeHandover).
   */
  mode: 'backfill' | 'sync' | 'handover';
  /** Server time the mailbox counts as reconciled up to when this succeeds (default: the window's end). */
  asOf?: string;
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
        const dirtySeen = await dirtyMark(deps.pool, input.accountId, input.extensionId);
        const result = await readMailbox(deps, input);
        // Any answer but "gone" is as current as this mailbox can be: it waits its turn again.
        // Gone (deleted since the snapshot a micro-sync listed it from): its mark can never be read.
        if (!result.extensionGone) {
          await recordReconciled(deps.pool, { accountId: input.accountId, extensionId: input.extensionId, asOf: input.asOf ?? input.window.to, changed: input.mode === 'sync' && result.written > 0, dirtySeen });
        } else await clearDirtyMark(deps.pool, { accountId: input.accountId, extensionId: input.extensionId, dirtySeen });
        return result;
      });
    },

    /**
     * Chooses the mailboxes this sync reads within its Light budget (message-budget.ts) and
     * stores the choice for the fan-out; returns the plan's counts (no ids: they stay in the warehouse).
     * `dirtyOnly`: a push micro-sync's plan, the dirty mailboxes alone, within the same budget rule.
     */
    async planMessageSync(input: { accountId: string; runId: string; intervalMs: number; dirtyOnly?: boolean }): Promise<Omit<MessagePlan, 'picks'>> {
      const { picks, ...plan } = await messagePlanFor(deps, input);
      await saveSelection(deps.pool, input.runId, input.dirtyOnly ? picks.map((p) => ({ ...p, reason: 'dirty' })) : picks);
      return plan;
    },

    /** How many mailboxes a run's snapshot lists for reading (the backfill's choice between export and paging). */
    async countMessageMailboxes(input: { runId: string }): Promise<number> {
      const s = { ...DEFAULT_EXTRACTION_SETTINGS, ...deps.settings };
      return countSnapshotMailboxes(deps.pool, { runId: input.runId, excludeTypes: s.messageExcludeTypes, excludeStatuses: s.messageExcludeStatuses });
    },

    /** Extension ids whose message stores are synced, in pages (fan-out input): the run's selection, or all of its snapshot but the excluded types and statuses. */
    async listMessageExtensions(input: { runId: string; afterId: number; limit: number; selected?: boolean }): Promise<number[]> {
      const s = { ...DEFAULT_EXTRACTION_SETTINGS, ...deps.settings };
      const ids = input.selected
        ? await selectedMailboxes(deps.pool, input)
        : await snapshotMailboxes(deps.pool, { ...input, excludeTypes: s.messageExcludeTypes, excludeStatuses: s.messageExcludeStatuses });
      await touchRunProgress(deps.pool, input.runId);
      return ids;
    },
  };
}

/**
 * The mailboxes a sync reads within its Light budget (message-budget.ts), among those its run's
 * extension snapshot lists. `dirtyOnly`: a push micro-sync's plan, the dirty mailboxes alone,
 * among those the account's last complete snapshot lists (a micro-sync takes none); marks of
 * mailboxes no longer listed are dropped, so they do not call for micro-syncs for ever.
 */
export async function messagePlanFor(
  deps: Pick<ActivityDeps, 'pool' | 'settings'>,
  input: { accountId: string; runId: string; intervalMs: number; dirtyOnly?: boolean },
): Promise<MessagePlan> {
  const s = { ...DEFAULT_EXTRACTION_SETTINGS, ...deps.settings };
  const listing = input.dirtyOnly ? await latestCompleteSnapshot(deps.pool, input.accountId, 'extensions') : { runId: input.runId };
  const listed = listing ? await mailboxCandidates(deps.pool, { runId: listing.runId, accountId: input.accountId, excludeTypes: s.messageExcludeTypes, excludeStatuses: s.messageExcludeStatuses }) : [];
  if (listing && 'completedAt' in listing) await dropUnlistedDirtyMarks(deps.pool, input.accountId, listed.map((c) => c.extensionId), listing.completedAt);
  const light = (await learntLightLimit(deps.pool, input.accountId)) ?? DEFAULT_LIMITS.Light;
  const plan = planMailboxes(input.dirtyOnly ? listed.filter((c) => c.dirty) : listed, {
    lightLimit: light.limit,
    lightWindowMs: light.windowMs,
    // A micro-sync never runs beside another sync of the account (one slot), and under push a
    // scheduled sync reads little: the dirty mailboxes may have the whole Light limit.
    share: input.dirtyOnly ? MICRO_SYNC_SHARE : s.messageBudgetShare,
    intervalMs: input.intervalMs,
    reconcilePeriodMs: s.messageReconcileHours * 3_600_000,
    ...(input.dirtyOnly ? { push: 'micro' as const } : (await pushWatching(deps.pool, input.accountId)) ? { push: 'scheduled' as const } : {}),
  });
  if (input.dirtyOnly) {
    plan.selected = { due: 0, dirty: plan.picks.length, active: 0, oldest: 0 };
    plan.warning = undefined; // the reconciliation period is the scheduled syncs' concern
  }
  return plan;
}

/** The share of the Light budget a push micro-sync may spend on the dirty mailboxes. */
const MICRO_SYNC_SHARE = 1;

/** One mailbox, as its mode says; what RingCentral answers instead of messages becomes an outcome. */
async function readMailbox(deps: ActivityDeps, input: ExtensionMessagesInput): Promise<ExtensionMessagesResult> {
  const rc = requireRc(deps).forAccount(input.accountId);
  const empty = { ...NO_COUNTS, extensionGone: false };
  const page = (window: Window, keepDoneMarker: boolean) => pageWindow(deps, rc, input, window, keepDoneMarker);
  try {
    try {
      if (input.mode !== 'backfill') {
        return { ...(await syncMailbox(deps, rc, { ...input, pageWindow: (w) => page(w, false), deferPaging: input.mode === 'handover' })), extensionGone: false };
      }
      return { ...(await backfillMailbox(deps, rc, input, page)), extensionGone: false };
    } catch (err) {
      // The extension was in this run's list: a 404 from message-sync is not "gone"; read the store instead.
      if (!(err instanceof RingCentralError && err.kind === 'not_found' && err.details.endpoint?.includes('/message-sync'))) throw err;
      return { ...(await page(input.window, input.mode === 'backfill')), extensionGone: false, syncFellBack: true };
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
}

/**
 * A backfill hands the mailbox over to sync: it runs the mailbox's message-sync like a sync
 * does (FSync first when it has no token, so nothing changed while paging is missed; else an
 * ISync that widens the frame to the backfill's start), with the backfill's window paged as
 * the frame's paging. The next sync then continues with ISync instead of starting over.
 * The window itself keeps its done marker (the same backfill again skips it); the parts of
 * the frame outside it (up to the FSync's time) are paged like a sync's.
 */
async function backfillMailbox(
  deps: ActivityDeps,
  rc: RingCentralAccount,
  input: ExtensionMessagesInput,
  page: (window: Window, keepDoneMarker: boolean) => Promise<StreamCounts>,
): Promise<StreamCounts> {
  const { from, to } = input.window;
  let windowPaged = false;
  const pageFrame = async (frame: Window): Promise<StreamCounts> => {
    const parts: Array<[Window, boolean]> = [];
    if (Date.parse(frame.from) < Date.parse(from)) parts.push([{ from: frame.from, to: from }, false]);
    if (!windowPaged) parts.push([input.window, true]);
    windowPaged = true;
    if (Date.parse(frame.to) > Date.parse(to)) parts.push([{ from: to, to: frame.to }, false]);
    let total = NO_COUNTS;
    for (const [window, keep] of parts) total = addCounts(total, await page(window, keep));
    return total;
  };
  const synced = await syncMailbox(deps, rc, { ...input, pageWindow: pageFrame });
  // The frame already covered the window: the window is still paged, as the backfill asked.
  return windowPaged ? synced : addCounts(synced, await page(input.window, true));
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
  const { accountId, extensionId } = input;
  return pageWindowWithCheckpoint(deps, rc, {
    endpoint: messageStore,
    params: { ...window, extensionId },
    key: { accountId, stream: 'messages', scope: `${extensionId}:${window.from}/${window.to}` },
    keepDoneMarker,
    write: (db, records) => upsertMessages(db, accountId, extensionId, records),
    where: { stream: 'messages', extensionId },
  });
}

