/**
 * Paging one record window with a durable cursor: the piece the call log and the message
 * stores share. Each page's checkpoint carries the running counts of the activity that wrote
 * it, so a retried attempt (after a rate-limit wait, a transient error or a lost worker)
 * resumes both the paging *and* the counting: what its result reports equals what the
 * activity wrote, over all its attempts.
 * A finished window keeps a "done" marker: backfills' markers stay (a re-run skips the
 * window); a sync's are transient, dropped when its run finishes (see runs.ts).
 */
import { Context } from '@temporalio/activity';
import type { RingCentralAccount } from '../ringcentral/client';
import type { Endpoint } from '../streams/endpoints';
import { NO_COUNTS, writePages, type PageStream, type StreamCounts } from '../streams/page-writer';
import { readCheckpoint, type CheckpointKey } from '../warehouse/checkpoints';
import { pageWriter, type ActivityDeps } from './deps';

export type { StreamCounts } from '../streams/page-writer';

export interface WindowPaging<P> extends Pick<PageStream<P, { page: number }>, 'write' | 'runId' | 'where'> {
  endpoint: Endpoint<P>;
  params: P;
  key: CheckpointKey;
  keepDoneMarker: boolean;
}

/**
 * A window's checkpoint: the next page, or that the window is done; plus which activity
 * wrote it and that activity's counts so far. Checkpoints written before counts were kept
 * have neither `by` nor counts, and count as another activity's.
 */
type WindowCheckpoint = Partial<StreamCounts> & { by?: string } & ({ page: number } | { done: true; keep?: boolean });

/** The same id for every attempt of one scheduled activity, different for any other. */
export function activityIdentity(): string {
  const info = Context.current().info;
  return `${info.workflowExecution?.runId ?? info.activityRunId ?? ''}/${info.activityId}`;
}

export async function pageWindowWithCheckpoint<P>(deps: ActivityDeps, rc: RingCentralAccount, w: WindowPaging<P>): Promise<StreamCounts> {
  const by = activityIdentity();
  const saved = await readCheckpoint<WindowCheckpoint>(deps.pool, w.key);
  const mine = saved?.by === by;
  const counts: StreamCounts = mine ? { pages: saved.pages ?? 0, records: saved.records ?? 0, written: saved.written ?? 0 } : NO_COUNTS;
  let start = { page: 1 };
  if (saved && 'done' in saved) {
    // An earlier attempt finished the window but could not report it: its counts are the result.
    if (mine) return counts;
    // Another run's finished backfill window; a sync window is always paged again.
    if (w.keepDoneMarker && saved.keep !== false) return { ...counts, skipped: true };
  } else if (saved) {
    start = { page: saved.page };
  }
  return writePages(pageWriter(deps, rc), {
    ...w,
    start,
    counts,
    after: (page, total) => {
      const position = page.next ? { page: page.next.page } : { done: true as const, keep: w.keepDoneMarker };
      return { checkpoint: { ...position, by, ...total } satisfies WindowCheckpoint, next: page.next };
    },
  });
}
