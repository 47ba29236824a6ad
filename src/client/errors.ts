/** CLI exit codes and the one-line error users see. */
export const EXIT = { ok: 0, failed: 1, usage: 2, unavailable: 3 } as const;

/** Bad input or environment: one clear line naming the problem and the fix; exit 2; nothing started. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
  }
}

export function fail(message: string, exitCode: number = EXIT.usage): never {
  throw new UsageError(message, exitCode);
}
