/**
 * Inputs written before the account key was called `accountId` everywhere carry `accountKey`:
 * schedules created then, and runs still open (continue-as-new carries their input). Reading
 * them through this keeps those running. Deterministic: it only reads the input.
 */
export function withAccountId<T extends { accountId: string }>(input: T): T {
  const legacy = (input as { accountKey?: string }).accountKey;
  return input.accountId === undefined && legacy !== undefined ? { ...input, accountId: legacy } : input;
}
