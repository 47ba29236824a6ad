/** How workflows call activities: one place for timeouts and retry behaviour. */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { nonRetryableFailureTypes } from '../ringcentral/errors';

/**
 * Paging activities heartbeat every page; a stuck one is retried from its checkpoint.
 * Attempts are unlimited because rate-limit waits come back as retries (with the exact
 * delay via nextRetryDelay); errors that retrying cannot fix are non-retryable: RingCentral's
 * per RETRY_POLICY, and a worker's bad configuration.
 */
export const extraction = proxyActivities<Activities>({
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
export const bookkeeping = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10 },
});
