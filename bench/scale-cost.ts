/**
 * The arithmetic of the scale table (bench/scale.ts): what a step's requests cost at
 * RingCentral's real limits, and the floor, the cost of the cheapest plan that does the same
 * job. Groups are separate budgets spent in parallel, so a step costs its slowest group.
 */
import { DEFAULT_LIMITS } from '../src/ratelimit/governor';

export const GROUPS = ['Light', 'Medium', 'Heavy', 'Auth'] as const;
export type Group = (typeof GROUPS)[number];
export type GroupCounts = Record<Group, number>;

export const noRequests = (): GroupCounts => ({ Light: 0, Medium: 0, Heavy: 0, Auth: 0 });

/** Time the requests take at RingCentral's default limits (requests ÷ limit × window), and the group that sets it. */
export function atRealLimits(requests: GroupCounts): { ms: number; group: Group } {
  let worst: { ms: number; group: Group } = { ms: 0, group: 'Light' };
  for (const g of GROUPS) {
    const ms = (requests[g] / DEFAULT_LIMITS[g].limit) * DEFAULT_LIMITS[g].windowMs;
    if (ms > worst.ms) worst = { ms, group: g };
  }
  return worst;
}

/** The cheapest 30-day backfill: one message-sync FSync per mailbox (recordCount 1000 returns its messages and its token), the call log in full 1,000-record pages, the extension list in pages of 1,000, one login. */
export function backfillFloor(o: { mailboxes: number; callRecords: number; extensions: number }): GroupCounts {
  return { Light: o.mailboxes, Medium: Math.ceil(o.extensions / 1000), Heavy: Math.max(1, Math.ceil(o.callRecords / 1000)), Auth: 1 };
}

/**
 * The cheapest sync that keeps every mailbox reconciled within the period: an ISync for each of
 * the `due` mailboxes and for each mailbox known to have changed (`active`, as push would say),
 * the extension list (1,000 a page) and directory (2,000 a page) in full, and call-log-sync
 * ISyncs for the call-log changes (250 a response, at least one to learn there are none).
 */
export function syncFloor(o: { due: number; active: number; extensions: number; directory: number; callLogChanges: number }): GroupCounts {
  return {
    Light: o.due + o.active,
    Medium: Math.ceil(o.extensions / 1000) + Math.ceil(o.directory / 2000),
    Heavy: Math.max(1, Math.ceil(o.callLogChanges / 250)),
    Auth: 0,
  };
}

/** "7.5 min", "45 s", "0.8 s". */
export function duration(ms: number): string {
  if (ms >= 120_000) return `${(ms / 60_000).toFixed(1)} min`;
  if (ms >= 10_000) return `${Math.round(ms / 1000)} s`;
  return `${(ms / 1000).toFixed(1)} s`;
}
