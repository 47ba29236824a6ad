/**
 * Inputs written before the account key was called `accountId` everywhere carry `accountKey`:
 * schedules created then, runs still open (continue-as-new carries their input), and activity
 * tasks they scheduled that may still be queued or retried across an upgrade. Workflows read
 * their input through `withAccountId` (it only reads the input: deterministic); the
 * interceptor applies the same rule to every activity's first argument.
 */
import type { ActivityInterceptorsFactory } from '@temporalio/worker';

export function withAccountId<T extends { accountId: string }>(input: T): T {
  const legacy = (input as { accountKey?: string }).accountKey;
  return input.accountId === undefined && legacy !== undefined ? { ...input, accountId: legacy } : input;
}

export const legacyInputInterceptor: ActivityInterceptorsFactory = () => ({
  inbound: {
    execute(input, next) {
      const [first, ...rest] = input.args;
      if (first === null || typeof first !== 'object' || !('accountKey' in first)) return next(input);
      return next({ ...input, args: [withAccountId(first as unknown as { accountId: string }), ...rest] });
    },
  },
});
