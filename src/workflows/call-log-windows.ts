/** The call log, window after window: the one loop a sync and a backfill share; and a sync's call log by call-log-sync. */
import type { StreamCounts } from '../activities/call-log';
import type { CallLogChanges } from '../activities/call-log-sync';
import type { Window } from '../streams/endpoints';
import { extraction } from './activity-options';
import { windowsOf } from './windows';

/** Where a walk stands: windows before `nextIndex` are done, and their counts are summed. */
export interface WindowWalk extends StreamCounts {
  nextIndex: number;
}

export function newWindowWalk(): WindowWalk {
  return { nextIndex: 0, pages: 0, records: 0, written: 0 };
}

/**
 * Syncs `windows` from `walk.nextIndex` on, oldest first, adding each one's counts to `walk`.
 * A sync drops its windows' "done" markers when it finishes; a backfill keeps them, so the
 * same backfill again skips finished windows. `after` runs once a window is counted (e.g. to
 * continue as new, carrying `walk`).
 */
export async function walkCallLogWindows(
  plan: { accountId: string; windows: Window[]; keepDoneMarker: boolean; runId?: string },
  walk: WindowWalk,
  hooks: { before?: (window: Window) => void; after?: () => void | Promise<void> } = {},
): Promise<WindowWalk> {
  while (walk.nextIndex < plan.windows.length) {
    const window = plan.windows[walk.nextIndex];
    hooks.before?.(window);
    const r = await extraction.syncCallLogWindow({ accountId: plan.accountId, window, keepDoneMarker: plan.keepDoneMarker, runId: plan.runId });
    walk.pages += r.pages;
    walk.records += r.records;
    walk.written += r.written;
    walk.nextIndex += 1;
    await hooks.after?.();
  }
  return walk;
}

/**
 * A sync's call log: the changes since the last sync through call-log-sync where the account
 * allows it; where it answers 403, the look-back windows over `frame` (`windowMs` each, one
 * window when unset), with `via: 'refused'` for the run's counts. `fullSync`: the request plan found
 * an FSync and its frame cheaper than following the token. `lookBackOnly` keeps runs
 * started before call-log-sync on their look-back windows (replay).
 */
export async function syncCallLog(
  plan: { accountId: string; frame: Window; windowMs?: number; runId: string; lookBackOnly?: boolean; fullSync?: boolean },
  hooks: { before?: (window: Window) => void; after?: (counts: StreamCounts) => void } = {},
): Promise<StreamCounts & { via: CallLogChanges['via'] | 'look-back' }> {
  const changes = plan.lookBackOnly ? undefined : await extraction.syncCallLogChanges({ accountId: plan.accountId, frame: plan.frame, runId: plan.runId, ...(plan.fullSync ? { fullSync: true } : {}) });
  if (changes && changes.via !== 'refused') {
    if (changes.window) hooks.before?.(changes.window);
    hooks.after?.(changes);
    return changes;
  }
  const walk = newWindowWalk();
  await walkCallLogWindows({ accountId: plan.accountId, windows: windowsOf(plan.frame, plan.windowMs), keepDoneMarker: false, runId: plan.runId }, walk, {
    before: hooks.before,
    after: () => hooks.after?.(walk),
  });
  return { pages: walk.pages, records: walk.records, written: walk.written, via: changes ? 'refused' : 'look-back' };
}
