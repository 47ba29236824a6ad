/** A plan and a run's actual requests as one line each, for the CLI and the Temporal UI. */
import { PLAN_GROUPS, type GroupCounts } from './request-plan';

export function formatMs(ms: number): string {
  if (ms < 60_000) return `${Math.ceil(ms / 1000)} s`;
  return `${Math.ceil(ms / 60_000)} min`;
}

/** `Light 12 (~1 s) · Medium 3 (~1 s) · Heavy 1 (~1 s)`; Auth only when it has requests. */
export function groupLine(requests: Partial<GroupCounts>, groupMs?: Partial<GroupCounts>): string {
  return PLAN_GROUPS.filter((g) => g !== 'Auth' || (requests[g] ?? 0) > 0)
    .map((g) => `${g} ${requests[g] ?? 0}${groupMs ? ` (~${formatMs(groupMs[g] ?? 0)})` : ''}`)
    .join(' · ');
}

/** What a run shows of its requests: the plan, and once known what it really sent. */
export interface RunRequests {
  plan: { requests: GroupCounts; groupMs: GroupCounts; predictedMs: number };
  actual?: Partial<GroupCounts>;
  /** How long the run took, by the workflow's clock. */
  actualMs?: number;
}

export function planVsActual(r: RunRequests): string {
  const plan = `plan: ${groupLine(r.plan.requests, r.plan.groupMs)}, ~${formatMs(r.plan.predictedMs)} in all`;
  if (!r.actual) return plan;
  return `${plan} · actual: ${groupLine(r.actual)}${r.actualMs !== undefined ? `, ${formatMs(r.actualMs)} in all` : ''}`;
}

/** The plan as run counts (`requestsPlanned<Group>`, `requestsPredictedMs`), beside the `requestsSent<Group>` the run's close adds. */
export function plannedCounts(plan: RunRequests['plan']): Record<string, number> {
  return {
    ...Object.fromEntries(PLAN_GROUPS.map((g) => [`requestsPlanned${g}`, plan.requests[g]])),
    requestsPredictedMs: plan.predictedMs,
  };
}
