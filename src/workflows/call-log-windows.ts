/** The call log, window after window: the one loop a sync and a backfill share. */
import type { StreamCounts } from '../activities/call-log';
import type { Window } from '../streams/endpoints';
import { extraction } from './activity-options';

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
  plan: { accountKey: string; windows: Window[]; keepDoneMarker: boolean; runId?: string },
  walk: WindowWalk,
  hooks: { before?: (window: Window) => void; after?: () => void | Promise<void> } = {},
): Promise<WindowWalk> {
  while (walk.nextIndex < plan.windows.length) {
    const window = plan.windows[walk.nextIndex];
    hooks.before?.(window);
    const r = await extraction.syncCallLogWindow({ accountKey: plan.accountKey, window, keepDoneMarker: plan.keepDoneMarker, runId: plan.runId });
    walk.pages += r.pages;
    walk.records += r.records;
    walk.written += r.written;
    walk.nextIndex += 1;
    await hooks.after?.();
  }
  return walk;
}
