/** sync, backfill, status, cancel: start and watch the account's workflows. */
import type { Command } from 'commander';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { accountSyncWorkflow, backfillWorkflow } from '../../workflows';
import { syncPlanInput } from '../../workflows/account-sync';
import { planVsActual, type RunRequests } from '../../plan/format';
import { printPlan } from '../plan';
import { connectTemporal } from '../connect';
import { describeFailure, EXIT, fail, failureChain } from '../errors';
import { followWorkflow } from '../progress';
import { pushLine } from './push';
import { requireWorker } from '../pollers';
import { runStartOptions, SYNC_STREAMS } from '../run-options';
import { checkAccount, defaultAccountKey, parseDuration, parseMessagesVia, parseRange, parseStreams } from '../validate';
import { visibilityString } from '../visibility';

const CANCEL_WAIT_MS = 60_000;

export const syncWorkflowIdPrefix = (account: string) => `sync-${account}`;

function print(json: boolean | undefined, value: unknown, text: string) {
  console.log(json ? JSON.stringify(value) : text);
}

/** A run that ended without a result: its failure's message and innermost cause, exit 1. */
function failedRun(workflowId: string, status: string, err: unknown): never {
  // The outermost message is the client's "Workflow execution failed"; the run's own failure is its cause.
  const chain = failureChain(err);
  const own = chain.length > 1 ? describeFailure((err as { cause?: unknown }).cause) : describeFailure(err);
  return fail(`${workflowId}: ${status === 'RUNNING' ? 'FAILED' : status}: ${own}`, EXIT.failed);
}

const closing = (connection: { close(): Promise<void> }) => async (err: unknown) => {
  await connection.close();
  throw err;
};

export function registerRuns(program: Command) {
  program
    .command('sync')
    .description('Sync one account now (skipped if a sync of the account is already running)')
    .option('-a, --account <key>', 'account key (default: RC_ACCOUNT_KEY or "default")', defaultAccountKey())
    .option('--initial-lookback <duration>', 'first sync only: how far back to start', '1d')
    .option('--wait', 'show progress and wait for the result')
    .option('--plan', 'print the request plan per rate group and its predicted duration; start nothing, send nothing')
    .option('--json', 'machine-readable output')
    .action(async (opts: { account: string; initialLookback: string; wait?: boolean; plan?: boolean; json?: boolean }) => {
      const account = checkAccount(opts.account);
      const initialLookbackMs = parseDuration('--initial-lookback', opts.initialLookback);
      if (opts.plan && opts.wait) fail('--plan and --wait exclude each other: --plan starts nothing to wait for; drop one of them.');
      if (opts.plan) return printPlan(syncPlanInput({ accountId: account, initialLookbackMs }), opts.json);
      const { client, config, connection } = await connectTemporal();
      if (opts.wait) await requireWorker(connection, config.namespace, config.taskQueue).catch(closing(connection));
      const workflowId = `${syncWorkflowIdPrefix(account)}-manual-${new Date().toISOString()}`;
      const handle = await client.workflow.start(accountSyncWorkflow, {
        taskQueue: config.taskQueue,
        workflowId,
        args: [{ accountId: account, initialLookbackMs }],
        ...(await runStartOptions(connection, config.namespace, { account, kind: 'sync', streams: SYNC_STREAMS })),
      });
      if (!opts.wait) {
        print(opts.json, { workflowId }, `Started ${workflowId}. Follow it with: rcsync status ${workflowId}`);
        return connection.close();
      }
      const result = await followWorkflow<Awaited<ReturnType<typeof accountSyncWorkflow>>>(client, handle);
      print(opts.json, result, result.phase === 'skipped' ? `Skipped: sync ${result.heldBy} of account ${account} is still running.` : warned(`Sync done: ${JSON.stringify(result.counts)}`, result));
      await connection.close();
    });

  program
    .command('backfill')
    .description('Backfill a date range (resumable: running the same range again continues or changes nothing)')
    .requiredOption('--from <date>', 'start, YYYY-MM-DD or ISO-8601 (inclusive)')
    .requiredOption('--to <date>', 'end, YYYY-MM-DD or ISO-8601 (exclusive)')
    .option('-a, --account <key>', 'account key (default: RC_ACCOUNT_KEY or "default")', defaultAccountKey())
    .option('--streams <list>', 'comma-separated: call_log,messages', 'call_log,messages')
    .option('--window <duration>', 'call-log window size (default: the whole range as one, paged by its page checkpoint)')
    .option('--messages-via <how>', 'message stores through the account\'s message-store export, per-mailbox paging, or auto (the export from 200 mailboxes on): export|pages|auto', 'auto')
    .option('--wait', 'show progress and wait for the result')
    .option('--plan', 'print the request plan per rate group and its predicted duration; start nothing, send nothing')
    .option('--json', 'machine-readable output')
    .action(async (opts: { account: string; from: string; to: string; streams: string; window?: string; messagesVia: string; wait?: boolean; plan?: boolean; json?: boolean }) => {
      const range = parseRange(opts.from, opts.to);
      const streams = parseStreams(opts.streams);
      const messagesVia = parseMessagesVia(opts.messagesVia);
      const windowMs = opts.window === undefined ? undefined : parseDuration('--window', opts.window);
      const account = checkAccount(opts.account);
      if (opts.plan && opts.wait) fail('--plan and --wait exclude each other: --plan starts nothing to wait for; drop one of them.');
      if (opts.plan) return printPlan({ kind: 'backfill', accountId: account, ...range, streams, messagesVia, ...(windowMs !== undefined ? { windowMs } : {}) }, opts.json);
      const { client, config, connection } = await connectTemporal();
      if (opts.wait) await requireWorker(connection, config.namespace, config.taskQueue).catch(closing(connection));
      // The same range and streams map to the same id: a second start joins the first.
      const workflowId = `backfill-${account}-${range.from}-${range.to}-${streams.join('+')}`;
      let handle;
      try {
        handle = await client.workflow.start(backfillWorkflow, {
          taskQueue: config.taskQueue,
          workflowId,
          args: [{ accountId: account, ...range, streams, windowMs, messagesVia }],
          ...(await runStartOptions(connection, config.namespace, { account, kind: 'backfill', streams })),
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        handle = client.workflow.getHandle(workflowId);
        if (!opts.wait) fail(`This backfill is already running as ${workflowId}: follow it with \`rcsync status ${workflowId}\`.`, EXIT.failed);
      }
      if (!opts.wait) {
        print(opts.json, { workflowId }, `Started ${workflowId}. Follow it with: rcsync status ${workflowId}`);
        return connection.close();
      }
      const result = await followWorkflow(client, handle);
      print(opts.json, result, warned(`Backfill done: ${JSON.stringify(result)}`, result));
      await connection.close();
    });

  program
    .command('status [workflowId]')
    .description('Show a run\'s progress (follow it with --wait), or list recent runs')
    .option('--wait', 'follow until it finishes')
    .option('--json', 'machine-readable output')
    .action(async (workflowId: string | undefined, opts: { wait?: boolean; json?: boolean }) => {
      const { client, connection, config } = await connectTemporal();
      try {
        if (!workflowId) {
          const rows = [];
          for await (const wf of client.workflow.list({ query: `TaskQueue = ${visibilityString(config.taskQueue, 'TEMPORAL_TASK_QUEUE')}` })) {
            if (wf.workflowId.includes('/')) continue; // children are shown through their parents
            rows.push({ workflowId: wf.workflowId, type: wf.type, status: wf.status.name, started: wf.startTime.toISOString() });
            if (rows.length >= 20) break;
          }
          // A running push workflow shows its health on the next line.
          for (const r of rows) if (r.type === 'pushWorkflow' && r.status === 'RUNNING') Object.assign(r, { push: await pushLine(client, r.workflowId) });
          // The latest run's plan against what it sent (runs from before plans have none).
          const requests = rows[0] && (await runRequestsOf(client.workflow.getHandle(rows[0].workflowId), rows[0].status));
          if (requests) Object.assign(rows[0], { requests });
          const latest = requests ? `\nlatest run ${rows[0].workflowId}: ${planVsActual(requests)}` : '';
          print(opts.json, rows, (rows.map((r) => `${r.status.padEnd(11)} ${r.started}  ${r.workflowId}${'push' in r && r.push ? `\n            ${r.push}` : ''}`).join('\n') || 'No runs yet.') + latest);
          return;
        }
        const handle = client.workflow.getHandle(workflowId);
        const description = await handle.describe().catch((err) => {
          if (err instanceof WorkflowNotFoundError) fail(`No workflow ${workflowId}: list runs with \`rcsync status\`.`);
          throw err;
        });
        const status = description.status.name;
        if (opts.wait) {
          if (status === 'RUNNING') await requireWorker(connection, config.namespace, description.taskQueue);
          const result = await followWorkflow(client, handle).catch((err) => failedRun(workflowId, status, err));
          print(opts.json, result, warned(JSON.stringify(result), result));
          return;
        }
        if (status === 'RUNNING') {
          const details = await handle.query('progress').catch(() => undefined);
          return print(opts.json, { workflowId, status, details }, warned(`${workflowId}: ${status}${details ? ` ${JSON.stringify(details)}` : ''}`, details));
        }
        const result = await handle.result().catch((err) => failedRun(workflowId, status, err));
        print(opts.json, { workflowId, status, details: result }, warned(`${workflowId}: ${status} ${JSON.stringify(result)}`, result));
      } finally {
        await connection.close();
      }
    });

  program
    .command('cancel <workflowId>')
    .description('Cancel a sync or backfill; in-flight pages finish or roll back, and a later run resumes')
    .option('--json', 'machine-readable output')
    .action(async (workflowId: string, opts: { json?: boolean }) => {
      const { client, connection } = await connectTemporal();
      try {
        const handle = client.workflow.getHandle(workflowId);
        await handle.cancel().catch((err) => {
          if (err instanceof WorkflowNotFoundError) fail(`No running workflow ${workflowId}: list runs with \`rcsync status\`.`);
          throw err;
        });
        // Wait for the run to close, so that starting it again right after resumes it instead
        // of joining the run that is still winding down; in-flight pages finish first.
        const closed = await Promise.race([
          handle.result().then(
            () => true,
            () => true,
          ),
          new Promise<false>((resolve) => setTimeout(() => resolve(false), CANCEL_WAIT_MS).unref()),
        ]);
        print(
          opts.json,
          { workflowId, cancelRequested: true, closed },
          closed ? `Cancelled ${workflowId}; starting it again resumes from its checkpoints.` : `Cancellation requested for ${workflowId}; it stops after its in-flight pages (\`rcsync status ${workflowId}\`).`,
        );
      } finally {
        await connection.close();
      }
    });
}

/** A run that succeeded while something did not reach the warehouse says so on its own line; its plan against actual too. */
function warned(text: string, result: unknown): string {
  const { warnings, requests } = (result ?? {}) as { warnings?: unknown; requests?: RunRequests };
  const lines = [text, ...(requests?.plan ? [`requests ${planVsActual(requests)}`] : [])];
  return (Array.isArray(warnings) ? [...lines, ...warnings.map((w) => `warning: ${String(w)}`)] : lines).join('\n');
}

/** A run's plan and actual requests: from its progress while it runs (plan only), from its result once it succeeded. */
async function runRequestsOf(handle: ReturnType<Client['workflow']['getHandle']>, status: string): Promise<RunRequests | undefined> {
  const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 5_000).unref());
  const read =
    status === 'RUNNING' ? handle.query<{ requests?: RunRequests }>('progress') : status === 'COMPLETED' ? handle.result() : Promise.resolve(undefined);
  const value = await Promise.race([read.catch(() => undefined), timeout]);
  return (value as { requests?: RunRequests } | undefined)?.requests;
}
