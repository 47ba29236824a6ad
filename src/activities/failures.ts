/**
 * Turns our errors into Temporal failures with the right retry behaviour:
 * rate-limit waits hand the worker slot back until the budget frees up; permission and
 * bad-request errors fail fast; transient ones retry with the activity's backoff.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';

const MALFORMED_ATTEMPTS = 5;
import { RateLimitWait } from '../ratelimit/governor';
import { RingCentralError } from '../ringcentral/errors';

export async function withFailureMapping<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toFailure(err);
  }
}

export function toFailure(err: unknown): unknown {
  if (err instanceof RateLimitWait) {
    // BENIGN: waiting for the budget is the plan working, not an error to alert on.
    return ApplicationFailure.create({ type: 'RateLimitWait', message: err.message, nextRetryDelay: err.waitMs, category: ApplicationFailureCategory.BENIGN });
  }
  if (err instanceof RingCentralError) {
    // A malformed response may be a one-off (a proxy hiccup); the same one five times is not.
    const nonRetryable = err.kind === 'permission' || err.kind === 'bad_request' || (err.kind === 'malformed' && Context.current().info.attempt >= MALFORMED_ATTEMPTS);
    return ApplicationFailure.create({
      type: `RingCentral.${err.kind}`,
      message: err.message,
      nonRetryable,
      nextRetryDelay: err.details.retryAfterMs,
      details: [{ status: err.details.status, errorCode: err.details.errorCode, permission: err.details.permission }],
    });
  }
  return err;
}
