/**
 * The product's own Prometheus metrics (the Temporal runtime exports its own separately).
 * Labels are account keys, streams, rate groups and outcomes: never personal data.
 * Instrumented code calls the small recorders below, one line at each central place.
 */
import { Counter, Histogram, Registry } from 'prom-client';

export const registry = new Registry();

/** A counter in the product's registry. */
const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Counter<L>({ name, help, labelNames, registers: [registry] });

const recordsWritten = counter('rcsync_records_written_total', 'Warehouse rows inserted or changed, per account and stream (an unchanged re-fetch counts 0).', ['account', 'stream']);
const apiRequests = counter('rcsync_api_requests_total', 'RingCentral requests sent (slots granted by the rate governor), per account and rate group.', ['account', 'rate_group']);
const rateLimited = counter('rcsync_api_rate_limited_total', 'HTTP 429 responses from RingCentral, per account and rate group.', ['account', 'rate_group']);
const rateWaitSeconds = counter(
  'rcsync_rate_wait_seconds_total',
  'Seconds requests were told to wait for a rate slot (inline or handed back to Temporal), per account and rate group.',
  ['account', 'rate_group'],
);
const syncRuns = counter('rcsync_sync_runs_total', 'Sync and backfill runs by outcome (succeeded, failed, cancelled, skipped), per account.', ['account', 'kind', 'outcome']);

const mergeSeconds = new Histogram({
  name: 'rcsync_dimension_merge_duration_seconds',
  help: 'Duration of the SCD2 extension dimension merge, per account.',
  labelNames: ['account'],
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
  registers: [registry],
});

export function countWritten(account: string, stream: string, rows: number): void {
  recordsWritten.inc({ account, stream }, rows);
}

/** One answer of the governor: a granted slot is a request sent; otherwise the wait it imposed. */
export function countRateSlot(account: string, rateGroup: string, waitMs: number): void {
  if (waitMs === 0) apiRequests.inc({ account, rate_group: rateGroup });
  else rateWaitSeconds.inc({ account, rate_group: rateGroup }, waitMs / 1000);
}

export function count429(account: string, rateGroup: string): void {
  rateLimited.inc({ account, rate_group: rateGroup });
}

export function countSyncRun(account: string, kind: string, outcome: string): void {
  syncRuns.inc({ account, kind, outcome });
}

export async function timeMerge<T>(account: string, merge: () => Promise<T>): Promise<T> {
  const done = mergeSeconds.startTimer({ account });
  try {
    return await merge();
  } finally {
    done();
  }
}
