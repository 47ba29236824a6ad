/**
 * A backfill's request plan (pure): the call log window by window (Heavy), and for messages the
 * extension list (Medium) and each mailbox's store over the range plus its sync-token handover
 * (Light). One window pages at the page-size optimum; smaller windows cost at least a request
 * each, so the plan shows what the other choice would cost.
 */
import { pagesFor, planOf, type GroupLimits, type PlanStep, type RequestPlan } from './request-plan';

export interface BackfillFacts {
  limits: GroupLimits;
  pageSizes: { extensions: number; callLog: number; messages: number };
  callLog?: {
    /** Expected records per window of the run, and whether a finished backfill window is skipped. */
    windows: Array<{ records: number; done: boolean }>;
    /** Whether the windows were asked for (--window) or are the default single window. */
    requested: boolean;
    /** Days in the range: the other choice when one window is planned. */
    days: number;
    /** Whether the expected records are counted in the warehouse (a range read before) rather than extrapolated from its rate. */
    counted: boolean;
  };
  messages?: {
    extensions?: number;
    /** Expected messages in the range, per mailbox read. */
    perMailbox: number[];
    /** The range ends before now: the handover pages the tail up to the FSync's time too. */
    tail: boolean;
  };
}

export function planBackfill(f: BackfillFacts): RequestPlan {
  const steps: PlanStep[] = [];
  if (f.callLog) steps.push(callLogStep(f.callLog, f.pageSizes.callLog));
  if (f.messages) {
    const m = f.messages;
    steps.push({
      group: 'Medium',
      requests: pagesFor(m.extensions ?? 0, f.pageSizes.extensions),
      what: m.extensions === undefined ? 'extension list: never listed yet, at least one page' : `extension list: ${m.extensions} records as last time`,
      estimate: true,
    });
    const perMailbox = (n: number) => 1 + pagesFor(n, f.pageSizes.messages) + (m.tail ? 1 : 0);
    const total = m.perMailbox.reduce((s, n) => s + n, 0);
    steps.push({
      group: 'Light',
      requests: m.perMailbox.reduce((s, n) => s + perMailbox(n), 0),
      what: `message stores: ${m.perMailbox.length} mailboxes, ~${total} messages, each a message-sync handover and its pages${m.tail ? ' (and the tail after the range)' : ''}`,
      estimate: true,
    });
  }
  return planOf(steps, f.limits);
}

function callLogStep(c: NonNullable<BackfillFacts['callLog']>, page: number): PlanStep {
  const todo = c.windows.filter((w) => !w.done);
  const records = todo.reduce((n, w) => n + w.records, 0);
  const requests = todo.reduce((n, w) => n + pagesFor(w.records, page), 0);
  const skipped = c.windows.length - todo.length;
  const base = `call log: ~${records} records${c.counted ? ' (counted in the warehouse)' : ''} in ${todo.length} window(s)${skipped ? `, ${skipped} finished before and skipped` : ''}`;
  if (todo.length === 0) return { group: 'Heavy', requests: 0, what: base, estimate: !c.counted };
  // The other choice: one window when several were asked for; otherwise day windows.
  const alternative = c.requested && c.windows.length > 1 ? pagesFor(records, page) : spread(records, c.days, page);
  const why = c.requested
    ? c.windows.length > 1 && alternative < requests
      ? ` (as asked with --window; one window would cost ${alternative})`
      : ''
    : c.days > 1
      ? ` (one window pages at the optimum; day windows would cost ${alternative})`
      : '';
  return { group: 'Heavy', requests, what: base + why, estimate: !c.counted };
}

/** Requests for `records` spread evenly over `windows` windows. */
function spread(records: number, windows: number, page: number): number {
  const n = Math.max(1, windows);
  let total = 0;
  for (let i = 0; i < n; i++) total += pagesFor(Math.floor(records / n) + (i < records % n ? 1 : 0), page);
  return total;
}
