/**
 * A backfill's request plan (pure): the call log window by window (Heavy), and for messages the
 * extension list (Medium) and either each mailbox's store over the range plus its sync-token
 * handover (Light), or the handover alone plus the account's message-store export (Heavy).
 * One window pages at the page-size optimum; smaller windows cost at least a request each, so
 * the plan shows what the other choice would cost.
 */
import { pagesFor, planOf, type GroupLimits, type PlanStep, type RequestPlan } from './request-plan';

export const MESSAGES_VIA = ['auto', 'export', 'pages'] as const;
export type MessagesVia = (typeof MESSAGES_VIA)[number];

/**
 * `auto` takes the export from this many mailboxes on. Per-mailbox paging costs each mailbox
 * its token request plus at least one page (Light); the export keeps the token requests and
 * replaces every page by about 3 + archives Heavy requests and the task's run time. From 200
 * mailboxes on the Light requests saved (at least 200) outweigh a few Heavy ones and the wait.
 */
export const EXPORT_MIN_MAILBOXES = 200;
/** Mailboxes per export archive (RingCentral does not document it; the simulator's default). */
export const MAILBOXES_PER_ARCHIVE = 100;
/** Status polls of a task, backing off from 2 s to a minute: about 5 minutes of task time. */
export const EXPORT_POLLS = 9;

/** The backfill's choice for messages; the workflow and the plan both ask here, so they agree. */
export function choosesExport(mailboxes: number, minMailboxes = EXPORT_MIN_MAILBOXES, via: MessagesVia = 'auto'): boolean {
  return via === 'auto' ? mailboxes >= minMailboxes : via === 'export';
}

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
    via?: MessagesVia;
    exportMinMailboxes?: number;
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
    const pages: PlanStep = {
      group: 'Light',
      requests: m.perMailbox.reduce((s, n) => s + perMailbox(n), 0),
      what: `message stores: ${m.perMailbox.length} mailboxes, ~${total} messages, each a message-sync handover and its pages${m.tail ? ' (and the tail after the range)' : ''}`,
      estimate: true,
    };
    const holding = m.perMailbox.filter((n) => n > 0).length;
    const exported: PlanStep[] = [
      { group: 'Light', requests: m.perMailbox.length, what: `message-sync handover: ${m.perMailbox.length} mailboxes, one token each`, estimate: true },
      {
        group: 'Heavy',
        requests: 2 + EXPORT_POLLS + Math.ceil(holding / MAILBOXES_PER_ARCHIVE),
        what: `message-store export: ~${total} messages; the task, ~${EXPORT_POLLS} status polls, its archive list and ~${Math.ceil(holding / MAILBOXES_PER_ARCHIVE)} archive(s)`,
        estimate: true,
      },
    ];
    const viaExport = choosesExport(m.perMailbox.length, m.exportMinMailboxes, m.via);
    const other = viaExport ? `per-mailbox paging would cost Light ${pages.requests}` : `the export would cost Light ${exported[0].requests} + Heavy ${exported[1].requests}`;
    const why = m.via === 'auto' || m.via === undefined ? `auto: ${viaExport ? 'at least' : 'fewer than'} ${m.exportMinMailboxes ?? EXPORT_MIN_MAILBOXES} mailboxes` : `as asked with --messages-via ${m.via}`;
    const chosen = viaExport ? exported : [pages];
    chosen[chosen.length - 1] = { ...chosen[chosen.length - 1], what: `${chosen[chosen.length - 1].what} (${why}; ${other})` };
    steps.push(...chosen);
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
