/** The company call log, one startTime window at a time, resumable from its page checkpoint. */
import type { RingCentralAccount } from '../ringcentral/client';
import { callLog, type Window } from '../streams/endpoints';
import { upsertCallLogRecords } from '../warehouse/records';
import { requireRc, type ActivityDeps } from './deps';
import { withFailureMapping } from './failures';
import { pageWindowWithCheckpoint, type StreamCounts } from './window-paging';

export type { StreamCounts } from './window-paging';

export interface CallLogWindowInput {
  accountId: string;
  window: Window;
  /**
   * Backfill windows keep a "done" marker so re-running the same backfill skips them;
   * sync windows (which move with the watermark) clean up after themselves.
   */
  keepDoneMarker: boolean;
  /** The sync run this window belongs to, whose progress it reports. */
  runId?: string;
}

/** Pages one window of the call log from its checkpoint (the page the last committed one points to). */
export function pageCallLogWindow(deps: ActivityDeps, rc: RingCentralAccount, input: CallLogWindowInput): Promise<StreamCounts> {
  const { accountId, window } = input;
  return pageWindowWithCheckpoint(deps, rc, {
    endpoint: callLog,
    params: window,
    key: { accountId, stream: 'call_log', scope: `${window.from}/${window.to}` },
    keepDoneMarker: input.keepDoneMarker,
    write: (db, records) => upsertCallLogRecords(db, accountId, records),
    runId: input.runId,
    where: { stream: 'call_log', window },
  });
}

export function callLogActivities(deps: ActivityDeps) {
  return {
    async syncCallLogWindow(input: CallLogWindowInput): Promise<StreamCounts> {
      return withFailureMapping(() => pageCallLogWindow(deps, requireRc(deps).forAccount(input.accountId), input));
    },
  };
}
