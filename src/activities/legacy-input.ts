/**
 * Activity tasks scheduled by workflow code from before the rename carry `accountKey` in their
 * input; they may still be queued or retried across an upgrade. The same rule as the
 * workflows' (src/workflows/legacy-input.ts), applied to every activity's first argument.
 */
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { withAccountId } from '../workflows/legacy-input';

export const legacyInputInterceptor: ActivityInterceptorsFactory = () => ({
  inbound: {
    execute(input, next) {
      const [first, ...rest] = input.args;
      if (first === null || typeof first !== 'object' || !('accountKey' in first)) return next(input);
      return next({ ...input, args: [withAccountId(first as unknown as { accountId: string }), ...rest] });
    },
  },
});
