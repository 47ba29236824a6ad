/** `--plan` of sync and backfill: the request plan from the warehouse alone, printed; nothing is started and nothing is sent. */
import { planRun, type BackfillPlanInput, type RunPlan, type SyncPlanInput } from '../activities/request-plan';
import { extractionSettings } from '../config';
import { formatMs, groupLine } from '../plan/format';
import { connectDatabase } from './connect';
import { fail } from './errors';

/** Postgres codes of a warehouse whose schema is older than this CLI (a missing table or column). */
const SCHEMA_BEHIND = new Set(['42P01', '42703']);

export async function printPlan(run: SyncPlanInput | BackfillPlanInput, json: boolean | undefined): Promise<void> {
  const settings = extractionSettings();
  const pool = await connectDatabase();
  let plan: RunPlan;
  try {
    plan = await planRun({ pool, settings }, run).catch((err) =>
      SCHEMA_BEHIND.has((err as { code?: string }).code ?? '') ? fail('The warehouse schema is older than this rcsync: run `rcsync migrate` first.') : Promise.reject(err),
    );
  } finally {
    await pool.end();
  }
  console.log(json ? JSON.stringify(plan) : planText(run, plan));
}

export function planText(run: SyncPlanInput | BackfillPlanInput, plan: RunPlan): string {
  const what = run.kind === 'sync' ? `sync of account ${run.accountId}` : `backfill of account ${run.accountId}, ${run.from} .. ${run.to} (${run.streams.join(', ')})`;
  return [
    `Request plan for the ${what} (nothing started, nothing sent):`,
    `  requests: ${groupLine(plan.requests, plan.groupMs)}`,
    `  predicted duration: ~${formatMs(plan.predictedMs)} (the slowest group at its learnt limit; groups run in parallel)`,
    ...plan.steps.map((s) => `  - ${s}`),
  ].join('\n');
}
