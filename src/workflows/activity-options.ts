/** How workflows call activities: one place for timeouts and retry behaviour. */
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { nonRetryableFailureTypes } from '../ringcentral/errors';

/** One line per activity type for the Temporal UI's timeline: what the step is, never record data. */
const SUMMARIES: Record<keyof Activities, string> = {
  beginSyncRun: 'Open the run (one sync per account at a time)',
  finishSyncRun: 'Close the run: counts, watermarks, outcome',
  listMessageExtensions: 'Next mailboxes to read',
  planRequests: 'Plan the requests per rate group and the predicted duration (from the warehouse, no request)',
  planMessageSync: 'Choose the mailboxes this sync reads within its Light budget',
  snapshotList: 'Snapshot of the extension list or the company directory',
  syncCallLogWindow: 'Call log: one window, page by page',
  syncCallLogChanges: 'Call log: changes through call-log-sync',
  syncExtensionMessages: "One mailbox's message store",
  countMessageMailboxes: 'How many mailboxes a backfill reads',
  startMessageExport: 'Message-store export: create the task (or find the one created before)',
  pollMessageExport: 'Message-store export: is the task done?',
  loadMessageExport: 'Message-store export: download the archives into the warehouse, hand the tokens over',
  mergeExtensionDimension: 'Merge the snapshots into the SCD2 extension dimension',
  recordHealthCheck: 'Health check: write a row to the warehouse',
  listenForEvents: 'Push: hold the subscription until work is waiting',
  takeCallLogDue: 'Push: is a call-log read due',
  readServerTime: "Push micro-sync: RingCentral's clock (GET /restapi, no rate group)",
  stopListening: 'Push: unsubscribe (the push workflow stopped)',
};

/** proxyActivities with each activity type's summary (static per type, set when it is scheduled). */
function withSummaries(options: ActivityOptions): Activities {
  const byName = new Map<string, unknown>();
  return new Proxy({} as Activities, {
    get(_, name: string) {
      if (!byName.has(name)) byName.set(name, proxyActivities<Activities>({ ...options, summary: SUMMARIES[name as keyof Activities] })[name as keyof Activities]);
      return byName.get(name);
    },
  });
}

/**
 * Paging activities heartbeat every page; a stuck one is retried from its checkpoint.
 * Attempts are unlimited because rate-limit waits come back as retries (with the exact
 * delay via nextRetryDelay); errors that retrying cannot fix are non-retryable: RingCentral's
 * per RETRY_POLICY, and a worker's bad configuration.
 */
export const extraction = withSummaries({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '60 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '2 minutes',
    nonRetryableErrorTypes: [...nonRetryableFailureTypes(), 'ConfigError'],
  },
});

/** Short database-only steps. */
export const bookkeeping = withSummaries({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10 },
});

/** The push listener's lease: long-lived, heartbeating; a lost worker is noticed within the heartbeat timeout. */
export function listening(maxListenMs: number): Activities {
  return withSummaries({
    startToCloseTimeout: maxListenMs + 5 * 60_000,
    // Short: a cancellation (push stopped) reaches the activity with a heartbeat's answer.
    heartbeatTimeout: '10 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: ['ConfigError'] },
  });
}
