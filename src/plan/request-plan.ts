/**
 * The request plan of a run: what it will send per rate group, and how long that takes at the
 * learnt limits. Pure arithmetic on facts gathered elsewhere (gather.ts), so it can be
 * property-tested. Groups are budgeted separately and the run's streams spend them in
 * parallel, so the predicted duration is the slowest group's, not the sum.
 */

export const PLAN_GROUPS = ['Light', 'Medium', 'Heavy', 'Auth'] as const;
export type PlanGroup = (typeof PLAN_GROUPS)[number];
export type GroupCounts = Record<PlanGroup, number>;
export type GroupLimits = Record<PlanGroup, { limit: number; windowMs: number }>;

export interface PlanStep {
  group: PlanGroup;
  requests: number;
  /** What the step reads and, where alternatives existed, why this one. */
  what: string;
  /** The request count rests on an estimate (records not yet seen), not on a count the warehouse holds. */
  estimate: boolean;
}

export interface RequestPlan {
  requests: GroupCounts;
  /** Per group: requests / limit × window; the run's prediction is the largest. */
  groupMs: GroupCounts;
  predictedMs: number;
  steps: PlanStep[];
}

export const noRequests = (): GroupCounts => ({ Light: 0, Medium: 0, Heavy: 0, Auth: 0 });

/** How long a group needs for `requests` at its limit: whole windows are not waited for, the rate is what counts. */
export function groupMs(requests: number, limit: { limit: number; windowMs: number }): number {
  return Math.ceil((requests / limit.limit) * limit.windowMs);
}

export function predictMs(requests: GroupCounts, limits: GroupLimits): number {
  return Math.max(0, ...PLAN_GROUPS.map((g) => groupMs(requests[g], limits[g])));
}

export function planOf(steps: PlanStep[], limits: GroupLimits): RequestPlan {
  const requests = noRequests();
  for (const s of steps) requests[s.group] += s.requests;
  const perGroup = noRequests();
  for (const g of PLAN_GROUPS) perGroup[g] = groupMs(requests[g], limits[g]);
  return { requests, groupMs: perGroup, predictedMs: predictMs(requests, limits), steps };
}

/** Pages to read `records` at `pageSize` each: at least one, since even an empty range is asked once. */
export function pagesFor(records: number, pageSize: number): number {
  return Math.max(1, Math.ceil(records / pageSize));
}

/** ISync responses for `changes`: a full response (250) means more wait, so the last one is always short. */
export function isyncRequests(changes: number, perResponse = 250): number {
  return Math.floor(changes / perResponse) + 1;
}
