/** CLI exit codes and the one-line error users see. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

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

/** "Workflow execution failed" says little: add the innermost cause (e.g. the missing permission). */
export function describeFailure(err: unknown): string {
  const messages = failureChain(err);
  if (messages.length === 0) return String(err);
  return messages.length === 1 ? messages[0] : `${messages[0]}: ${messages[messages.length - 1]}`;
}

/** Messages of an error and its causes, outermost first. */
export function failureChain(err: unknown): string[] {
  const messages: string[] = [];
  for (let e = err as { message?: string; cause?: unknown } | undefined; e && messages.length < 10; e = e.cause as typeof e) {
    if (e.message) messages.push(e.message);
  }
  return messages;
}
