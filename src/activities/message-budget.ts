/**
 * Which mailboxes a sync reads, within its share of the Light budget (pure, property-tested).
 *
 * The budget of one sync is `share × Light limit × interval ÷ Light window`: what the sync may
 * spend if it runs every `interval`. Picks, in this order, until the budget is spent:
 *   1. due: the `ceil(mailboxes ÷ (period ÷ interval))` mailboxes longest since their last
 *      reconciliation. Taking them first is what guarantees every mailbox is read at least once
 *      per period: a mailbox not taken has that many older ones taken before it, every sync;
 *   2. dirty: marked changed by push: an event's mark, earliest first, before a gap's (events
 *      may have been missed: every subscribed mailbox marked), oldest reconciliation first;
 *   3. active: their last sync brought changes, or a voicemail since (mailbox-state.ts);
 *   4. oldest: the rest, longest since their last reconciliation first.
 * 3 and 4 only while push is not watching the account (`push`): without push,
 * guessing which mailboxes changed and reading unchanged-looking ones with what is left of the
 * budget is the only way a change arrives before its mailbox's reconciliation. With push, every
 * change marks its mailbox dirty, so a sync costs the due and dirty mailboxes: what changed, not
 * the account's size; and it ends sooner, freeing the account's slot for the micro-syncs.
 * A mailbox with a sync token costs one request (ISync); one without costs two (FSync and a
 * page of its store). When the due mailboxes alone do not fit, the plan carries a warning
 * naming the setting that would make them fit, and stays within the budget anyway.
 */

export interface MailboxCandidate {
  extensionId: number;
  hasToken: boolean;
  dirty: boolean;
  /** Epoch ms of the dirty mark, when dirty. */
  dirtyAt?: number;
  /** The mark came from a push gap, not from an event about this mailbox. */
  dirtyByGap?: boolean;
  active: boolean;
  /** Epoch ms of the last reconciliation; undefined when never. */
  reconciledAt?: number;
}

export interface BudgetSettings {
  /** The Light limit learnt by the governor, per window. */
  lightLimit: number;
  lightWindowMs: number;
  /** Share of the interval's Light budget the message sync may spend (0 < share ≤ 1). */
  share: number;
  /** How often the sync runs (its schedule interval). */
  intervalMs: number;
  /** Every mailbox is reconciled at least once per this period. */
  reconcilePeriodMs: number;
  /**
   * Push watches the account, so its marks replace the guesses (active, oldest): a scheduled
   * sync reads the due and event-marked mailboxes and leaves a gap's marks to the micro-syncs
   * ('scheduled': it must not hold the account's slot through a whole gap); a micro-sync reads
   * every mark, events' first ('micro'). Unset: no push.
   */
  push?: 'scheduled' | 'micro';
}

export type PickReason = 'due' | 'dirty' | 'active' | 'oldest';

export interface MessagePlan {
  mailboxes: number;
  budget: number;
  /** Light requests the picks are expected to cost. */
  planned: number;
  picks: Array<{ extensionId: number; reason: PickReason }>;
  selected: Record<PickReason, number>;
  skippedForBudget: number;
  warning?: string;
}

export const mailboxCost = (c: Pick<MailboxCandidate, 'hasToken'>): number => (c.hasToken ? 1 : 2);

export function lightBudget(s: BudgetSettings): number {
  return Math.max(1, Math.floor((s.share * s.lightLimit * s.intervalMs) / s.lightWindowMs));
}

/** How many of the longest-unreconciled mailboxes every sync must read to keep the period. */
export function dueQuota(mailboxes: number, s: Pick<BudgetSettings, 'intervalMs' | 'reconcilePeriodMs'>): number {
  const syncsPerPeriod = Math.max(1, Math.floor(s.reconcilePeriodMs / s.intervalMs));
  return Math.ceil(mailboxes / syncsPerPeriod);
}

export function planMailboxes(candidates: MailboxCandidate[], s: BudgetSettings): MessagePlan {
  const budget = lightBudget(s);
  // Never reconciled first, then oldest reconciliation; ties by id, so the order is total.
  const byAge = [...candidates].sort((a, b) => (a.reconciledAt ?? -Infinity) - (b.reconciledAt ?? -Infinity) || a.extensionId - b.extensionId);
  const picked = new Set<number>();
  const plan: MessagePlan = { mailboxes: candidates.length, budget, planned: 0, picks: [], selected: { due: 0, dirty: 0, active: 0, oldest: 0 }, skippedForBudget: 0 };
  const take = (c: MailboxCandidate, reason: PickReason): boolean => {
    if (picked.has(c.extensionId)) return true;
    if (plan.planned + mailboxCost(c) > budget) return false;
    picked.add(c.extensionId);
    plan.planned += mailboxCost(c);
    plan.picks.push({ extensionId: c.extensionId, reason });
    plan.selected[reason] += 1;
    return true;
  };
  const due = byAge.slice(0, dueQuota(candidates.length, s));
  const dueFits = due.map((c) => take(c, 'due')).every(Boolean);
  // Known changes by their mark, earliest first; then the gap's guesses, oldest reconciliation first.
  const byMark = byAge.filter((c) => c.dirty && !c.dirtyByGap).sort((a, b) => (a.dirtyAt ?? -Infinity) - (b.dirtyAt ?? -Infinity) || a.extensionId - b.extensionId);
  const gapMarks = s.push === 'scheduled' ? [] : byAge.filter((c) => c.dirty && c.dirtyByGap);
  for (const c of [...byMark, ...gapMarks]) take(c, 'dirty');
  if (!s.push) {
    for (const c of byAge) if (c.active) take(c, 'active');
    for (const c of byAge) take(c, 'oldest');
  }
  plan.skippedForBudget = candidates.length - picked.size;
  if (!dueFits) plan.warning = tooLargeWarning(candidates.length, due.reduce((n, c) => n + mailboxCost(c), 0), budget, s);
  return plan;
}

/** The account cannot be reconciled within the period at this budget: say by how much, and what would fix it. */
function tooLargeWarning(mailboxes: number, needed: number, budget: number, s: BudgetSettings): string {
  const hours = s.reconcilePeriodMs / 3_600_000;
  const share = (s.share * needed) / budget;
  const fixes = [
    ...(share <= 1 ? [`RCSYNC_MESSAGES_BUDGET_SHARE=${Math.ceil(share * 100) / 100}`] : []),
    `RCSYNC_MESSAGES_RECONCILE_HOURS=${Math.ceil((hours * needed) / budget)}`,
  ];
  return (
    `message plan: ${mailboxes} mailboxes cannot all be reconciled every ${hours} h: that needs ${needed} Light requests per sync, ` +
    `the budget is ${budget}; the oldest are read within the budget and the rest wait. Fix: ${fixes.join(' or ')}`
  );
}
