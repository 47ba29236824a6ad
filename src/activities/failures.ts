/**
 * Turns our errors into Temporal failures with the right retry behaviour:
 * rate-limit waits hand the worker slot back until the budget frees up; RingCentral errors
 * follow RETRY_POLICY (fail fast when retrying cannot help, else the activity's backoff).
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { RateLimitWait } from '../ratelimit/governor';
import { failureType, RETRY_POLICY, RingCentralError } from '../ringcentral/errors';

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
    return ApplicationFailure.create({
      type: failureType(err.kind),
      message: err.message,
      nonRetryable: Context.current().info.attempt >= RETRY_POLICY[err.kind].activityAttempts,
      nextRetryDelay: err.details.retryAfterMs,
      details: [{ status: err.details.status, errorCode: err.details.errorCode, permission: err.details.permission }],
    });
  }
  return err;
}
