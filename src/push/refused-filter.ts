/**
 * RingCentral answers a subscription create or update with 400 OAU-232 ("Extension not found")
 * or OAU-236 ("Extension is disabled or frozen") when ONE of its message-store filters names
 * such an extension, and the whole request fails: every other mailbox of the batch would lose
 * push. The error entry names the filter (`parameterName: eventFilters`, `parameterValue`).
 */

const REFUSED_EXTENSION = new Set(['OAU-232', 'OAU-236']);
const MAILBOX_FILTER = /\/extension\/(\d+)\/message-store\/?$/;

interface RestError {
  response?: { status?: number; data?: { errors?: Array<{ errorCode?: string; parameterName?: string; parameterValue?: string }> } };
}

/** The extension whose message-store filter RingCentral refused, or undefined (another error, or none named). */
export function refusedMailbox(err: unknown): number | undefined {
  const r = (err as RestError | undefined)?.response;
  if (r?.status !== 400) return undefined;
  for (const e of r.data?.errors ?? []) {
    if (!REFUSED_EXTENSION.has(e.errorCode ?? '') || typeof e.parameterValue !== 'string') continue;
    // Matched by extension id: RingCentral may echo the filter with '~' or the account id.
    const m = MAILBOX_FILTER.exec(e.parameterValue);
    if (m) return Number(m[1]);
  }
  return undefined;
}
