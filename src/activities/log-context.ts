/**
 * Account, run kind and stream on every log line of an activity (the SDK adds the workflow
 * id, and the logger a run kind from the workflow type): an activity interceptor derives
 * them from the activity type and its input; activities that only carry a sync run id get
 * them from that run's row. The SDK's "Activity started" line is written before the input
 * is decoded, so it has the run kind and stream but not yet the account.
 */
import type { Info } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { Pool } from '../warehouse/db';
import { runOwner } from '../warehouse/sync-runs';

export interface LogContext {
  account?: string;
  runKind?: string;
  stream?: string;
}

const STREAM_OF_ACTIVITY: Record<string, string> = {
  syncCallLogWindow: 'call_log',
  syncCallLogChanges: 'call_log',
  syncExtensionMessages: 'messages',
  listMessageExtensions: 'messages',
  mergeExtensionDimension: 'extensions',
};

/** What the activity's type says, before its input is known (the logger adds the run kind of its workflow type). */
export function contextFromInfo(info: Pick<Info, 'activityType'>): LogContext {
  return { stream: STREAM_OF_ACTIVITY[info.activityType] };
}

/** Refines the context with the activity's first argument (accountId, kind/mode, stream). */
export function contextFromInput(base: LogContext, input: unknown): LogContext {
  const i = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const kindFromWindow = typeof i.keepDoneMarker === 'boolean' ? (i.keepDoneMarker ? 'backfill' : 'sync') : undefined;
  return {
    account: text(i.accountId) ?? base.account,
    runKind: text(i.kind) ?? text(i.mode) ?? kindFromWindow ?? base.runKind,
    stream: text(i.stream) ?? base.stream,
  };
}

export function logContextInterceptor(pool: Pool): ActivityInterceptorsFactory {
  return (ctx) => {
    let context = contextFromInfo(ctx.info);
    return {
      inbound: {
        async execute(input, next) {
          context = contextFromInput(context, input.args[0]);
          const runId = (input.args[0] as { runId?: unknown } | undefined)?.runId;
          if (!context.account && typeof runId === 'string') context = { ...(await runContext(pool, runId)), ...definedOnly(context) };
          return next(input);
        },
      },
      outbound: {
        getLogAttributes: (attributes, next) => next({ ...attributes, ...definedOnly(context) }),
      },
    };
  };
}

/** The run's account and kind; nothing if the lookup fails (logging must never fail an activity). */
async function runContext(pool: Pool, runId: string): Promise<LogContext> {
  try {
    const run = await runOwner(pool, runId);
    return run ? { account: run.accountId, runKind: run.kind } : {};
  } catch {
    return {};
  }
}

function definedOnly(context: LogContext): LogContext {
  return Object.fromEntries(Object.entries(context).filter(([, v]) => v !== undefined));
}
