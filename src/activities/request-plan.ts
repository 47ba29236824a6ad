/**
 * The request plan a run computes before it sends anything (src/plan/): the facts come from the
 * warehouse only (no request), the arithmetic is pure. The same functions serve the activity
 * the workflows call first and `rcsync sync|backfill --plan`.
 */
import { DEFAULT_LIMITS, type KnownRateGroup } from '../ratelimit/governor';
import { planBackfill, type MessagesVia } from '../plan/backfill';
import { PLAN_GROUPS, type GroupCounts, type GroupLimits, type RequestPlan } from '../plan/request-plan';
import { planSync, type CallLogVia } from '../plan/sync';
import { callLog, directoryEntries, extensionList, messageStore, type Endpoint } from '../streams/endpoints';
import { readCheckpoint } from '../warehouse/checkpoints';
import type { Db } from '../warehouse/db';
import { snapshotMailboxes } from '../warehouse/mailboxes';
import { callLogWindows, databaseNow, lastSnapshots, lastSyncStart, learntLimits, messagesPerMailbox, recordRate, saveRunPlan } from '../warehouse/plan-facts';
import { lastWatermarks } from '../warehouse/sync-runs';
import { ASK_AGAIN_AFTER_MS, callLogSyncKey } from './call-log-sync';
import { DEFAULT_EXTRACTION_SETTINGS, type ActivityDeps } from './deps';
import { messagePlanFor } from './messages';

const DAY_MS = 86_400_000;
/** How far back the account's record rate is measured. */
const RATE_SPAN_MS = 7 * DAY_MS;

export interface SyncPlanInput {
  kind: 'sync';
  accountId: string;
  intervalMs: number;
  initialLookbackMs: number;
  callLogLagMs: number;
  callLogLookbackMs: number;
  windowMs?: number;
}

export interface BackfillPlanInput {
  kind: 'backfill';
  accountId: string;
  from: string;
  to: string;
  streams: Array<'call_log' | 'messages'>;
  windowMs?: number;
  messagesVia?: MessagesVia;
  exportMinMailboxes?: number;
}

/** What a run carries of its plan (into history, the UI and its counts): numbers and step lines, no record data. */
export interface RunPlan {
  requests: GroupCounts;
  groupMs: GroupCounts;
  predictedMs: number;
  steps: string[];
  /** A sync's choice for the call log. */
  callLogVia?: CallLogVia;
}

type PlanDeps = Pick<ActivityDeps, 'pool' | 'settings'>;

export function requestPlanActivities(deps: ActivityDeps) {
  return {
    /** Gathers the facts, plans, stores the plan with the run and returns it. */
    async planRequests(input: { runId: string; run: SyncPlanInput | BackfillPlanInput }): Promise<RunPlan> {
      const plan = await planRun(deps, input.run);
      await saveRunPlan(deps.pool, input.runId, plan);
      return plan;
    },
  };
}

export async function planRun(deps: PlanDeps, run: SyncPlanInput | BackfillPlanInput): Promise<RunPlan> {
  const plan = run.kind === 'sync' ? await planSyncRun(deps, run) : await planBackfillRun(deps, run);
  return {
    requests: plan.requests,
    groupMs: plan.groupMs,
    predictedMs: plan.predictedMs,
    steps: plan.steps.map((s) => `${s.group} ${s.requests}${s.estimate ? ' (estimate)' : ''}: ${s.what}`),
    ...('callLogVia' in plan ? { callLogVia: plan.callLogVia as CallLogVia } : {}),
  };
}

async function limitsOf(db: Db, accountId: string): Promise<GroupLimits> {
  const learnt = await learntLimits(db, accountId);
  return Object.fromEntries(PLAN_GROUPS.map((g) => [g, learnt.get(g) ?? DEFAULT_LIMITS[g as KnownRateGroup]])) as GroupLimits;
}

function pageSize(deps: PlanDeps, endpoint: Endpoint<never, unknown>): number {
  const cap = deps.settings?.maxPageSize;
  return cap ? Math.min(cap, endpoint.perPage) : endpoint.perPage;
}

/**
 * The account's "now" by its server's clock, estimated: the last snapshot's server time plus
 * the database time since its run started (the plan runs before this run's own snapshot).
 */
async function serverNow(db: Db, last: { capturedAt: number; runStartedAt: number } | undefined): Promise<number> {
  const now = await databaseNow(db);
  return last ? last.capturedAt + Math.max(0, now - last.runStartedAt) : now;
}

async function planSyncRun(deps: PlanDeps, run: SyncPlanInput) {
  const { pool } = deps;
  const snapshots = await lastSnapshots(pool, run.accountId);
  const now = await serverNow(pool, snapshots.extensions);
  const watermarks = await lastWatermarks(pool, run.accountId);
  const watermark = watermarks.callLog ? Date.parse(watermarks.callLog) : undefined;
  const initialFrom = now - run.initialLookbackMs;
  const to = Math.max(now - run.callLogLagMs, watermark ?? initialFrom);
  const from = watermark !== undefined ? watermark - run.callLogLookbackMs : initialFrom;
  // Records before the watermark are stored; after it, the account's recent rate says how many arrived.
  const rate = await recordRate(pool, run.accountId, 'call_log', watermark ?? now, RATE_SPAN_MS);
  const windows = await callLogWindows(pool, run.accountId, { from, to }, run.windowMs);
  const expected = (w: { from: number; to: number; records: number }) => w.records + Math.round(rate * Math.max(0, w.to - Math.max(w.from, watermark ?? w.from)));
  const windowRecords = windows.map(expected);
  // Time since the last sync by the database's clock: the changes call-log-sync will bring.
  const lastStart = await lastSyncStart(pool, run.accountId);
  const changes = Math.round(rate * Math.max(0, (lastStart !== undefined ? (await databaseNow(pool)) - lastStart : 0)));
  const saved = await readCheckpoint<{ syncToken?: string; refusedAt?: string }>(pool, callLogSyncKey(run.accountId));
  const state = saved?.syncToken ? 'token' : saved?.refusedAt && to - Date.parse(saved.refusedAt) < ASK_AGAIN_AFTER_MS ? 'refused' : 'none';
  const messages = snapshots.extensions ? await messagePlanFor(deps, { accountId: run.accountId, runId: snapshots.extensions.runId, intervalMs: run.intervalMs }) : undefined;
  return planSync({
    limits: await limitsOf(pool, run.accountId),
    pageSizes: { extensions: pageSize(deps, extensionList), directory: pageSize(deps, directoryEntries), callLog: pageSize(deps, callLog) },
    extensions: snapshots.extensions?.records,
    directoryEntries: snapshots.directory?.records,
    callLog: { state, changes, frameRecords: windowRecords.reduce((n, r) => n + r, 0), windowRecords },
    messages: messages && { mailboxes: messages.mailboxes, selected: messages.picks.length, budget: messages.budget, planned: messages.planned },
  });
}

async function planBackfillRun(deps: PlanDeps, run: BackfillPlanInput) {
  const { pool } = deps;
  const range = { from: Date.parse(run.from), to: Date.parse(run.to) };
  const snapshots = await lastSnapshots(pool, run.accountId);
  const now = await serverNow(pool, snapshots.extensions);
  let callLogFacts;
  if (run.streams.includes('call_log')) {
    const windows = await callLogWindows(pool, run.accountId, range, run.windowMs);
    const stored = windows.reduce((n, w) => n + w.records, 0);
    // A range never read: the account's rate over the stored week before now, spread over the range.
    const rate = stored > 0 ? 0 : await recordRate(pool, run.accountId, 'call_log', now, RATE_SPAN_MS);
    callLogFacts = {
      windows: windows.map((w) => ({ records: w.records + Math.round(rate * (w.to - w.from)), done: w.done })),
      requested: run.windowMs !== undefined,
      days: Math.ceil((range.to - range.from) / DAY_MS),
      counted: stored > 0,
    };
  }
  let messageFacts;
  if (run.streams.includes('messages')) {
    const s = { ...DEFAULT_EXTRACTION_SETTINGS, ...deps.settings };
    const listed = snapshots.extensions;
    const ids = listed
      ? await snapshotMailboxes(pool, { runId: listed.runId, afterId: 0, excludeTypes: s.messageExcludeTypes, excludeStatuses: s.messageExcludeStatuses })
      : [];
    const stored = await messagesPerMailbox(pool, run.accountId, ids, range);
    const total = stored.reduce((n, c) => n + c, 0);
    const rate = total > 0 || ids.length === 0 ? 0 : (await recordRate(pool, run.accountId, 'message', now, RATE_SPAN_MS)) / ids.length;
    messageFacts = {
      extensions: listed?.records,
      perMailbox: stored.map((c) => c + Math.round(rate * (range.to - range.from))),
      tail: range.to < now,
      via: run.messagesVia,
      exportMinMailboxes: run.exportMinMailboxes,
    };
  }
  return planBackfill({
    limits: await limitsOf(pool, run.accountId),
    pageSizes: { extensions: pageSize(deps, extensionList), callLog: pageSize(deps, callLog), messages: pageSize(deps, messageStore) },
    callLog: callLogFacts,
    messages: messageFacts,
  });
}
