/** Temporal Schedules for recurring syncs: overlap SKIP, so one sync per account at a time. */
import type { Command } from 'commander';
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type Connection } from '@temporalio/client';
import { loadAccounts, temporalConfig } from '../../config';
import { accountSyncWorkflow } from '../../workflows';
import { connectTemporal } from '../connect';
import { EXIT, fail } from '../errors';
import { runStartOptions, SYNC_STREAMS } from '../run-options';
import { checkAccount, defaultAccountKey, parseCron, parseDuration } from '../validate';
import { syncWorkflowIdPrefix } from './runs';

export const scheduleIdFor = (account: string) => `rcsync-sync-${account}`;

/** Suggest only commands that work from here: creating needs the account's credentials configured. */
function missingSchedule(account: string, id: string): string {
  let configured = false;
  try {
    configured = loadAccounts().has(account);
  } catch {
    // A broken accounts file is reported by the commands that need it.
  }
  const list = '`rcsync schedule list` shows the existing schedules';
  return configured
    ? `No schedule for account "${account}" (${id}): create it with \`rcsync schedule create --account ${account} --every 15m\`; ${list}.`
    : `No schedule for account "${account}" (${id}), an account not configured here: ${list}.`;
}

async function withSchedule(account: string, fn: (client: Client, id: string, connection: Connection) => Promise<unknown>, json?: boolean) {
  const { client, connection } = await connectTemporal();
  const id = scheduleIdFor(account);
  try {
    const out = await fn(client, id, connection);
    if (out !== undefined) console.log(json ? JSON.stringify(out) : typeof out === 'string' ? out : JSON.stringify(out, null, 2));
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) fail(missingSchedule(account, id), EXIT.failed);
    throw err;
  } finally {
    await connection.close();
  }
}

export function registerSchedule(program: Command) {
  const schedule = program.command('schedule').description('Manage the recurring sync of an account (Temporal Schedules)');
  const accountOpt = ['-a, --account <key>', 'account key (default: RC_ACCOUNT_KEY or "default")', defaultAccountKey()] as const;

  schedule
    .command('create')
    .description('Create the schedule: --every 15m or --cron "*/15 * * * *"')
    .option(...accountOpt)
    .option('--every <duration>', 'interval, e.g. 15m')
    .option('--cron <expression>', 'cron expression (UTC)')
    .option('--jitter <duration>', 'random delay per run, spreads load across accounts', '30s')
    .option('--catchup-window <duration>', 'after an outage, still run a missed sync this late', '10m')
    .option('--json', 'machine-readable output')
    .action(async (opts: { account: string; every?: string; cron?: string; jitter: string; catchupWindow: string; json?: boolean }) => {
      const account = checkAccount(opts.account);
      if (!opts.every === !opts.cron) fail('Give exactly one of --every (e.g. 15m) or --cron (e.g. "*/15 * * * *").');
      const every = opts.every ? parseDuration('--every', opts.every) : undefined;
      const cron = opts.cron === undefined ? undefined : parseCron(opts.cron);
      const jitter = parseDuration('--jitter', opts.jitter);
      const catchupWindow = parseDuration('--catchup-window', opts.catchupWindow);
      await withSchedule(account, async (client, scheduleId, connection) => {
        const { taskQueue, namespace } = temporalConfig();
        const runOptions = await runStartOptions(connection, namespace, { account, kind: 'sync', streams: SYNC_STREAMS });
        await client.schedule
          .create({
            scheduleId,
            spec: every ? { intervals: [{ every }], jitter } : { cronExpressions: [cron!], jitter },
            action: { type: 'startWorkflow', workflowType: accountSyncWorkflow, args: [{ accountId: account, ...(every ? { scheduleIntervalMs: every } : {}) }], taskQueue, workflowId: syncWorkflowIdPrefix(account), ...runOptions },
            // SKIP: a sync still running when the next is due is not joined by a second one.
            policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow },
          })
          .catch((err) => {
            if (err instanceof ScheduleAlreadyRunning) fail(`A schedule for account "${account}" exists already: \`rcsync schedule describe --account ${account}\`.`, EXIT.failed);
            throw err;
          });
        return opts.json ? { scheduleId } : `Created schedule ${scheduleId}.`;
      }, opts.json);
    });

  schedule
    .command('describe')
    .option(...accountOpt)
    .option('--json', 'machine-readable output')
    .action(async (opts: { account: string; json?: boolean }) =>
      withSchedule(opts.account, async (client, id) => {
        const d = await client.schedule.getHandle(id).describe();
        return {
          scheduleId: id,
          paused: d.state.paused,
          note: d.state.note,
          nextActionTimes: d.info.nextActionTimes.slice(0, 3),
          running: d.info.runningActions.map((a) => a.workflow.workflowId),
          recent: d.info.recentActions.slice(-5).map((a) => ({ at: a.takenAt, workflowId: a.action.workflow.workflowId })),
        };
      }, opts.json),
    );

  for (const [name, description] of [
    ['pause', 'Pause the schedule'],
    ['unpause', 'Resume the schedule'],
    ['trigger', 'Run a sync now through the schedule (skipped if one is running)'],
    ['delete', 'Delete the schedule (running syncs continue)'],
  ] as const) {
    schedule
      .command(name)
      .description(description)
      .option(...accountOpt)
      .option('--json', 'machine-readable output')
      .action(async (opts: { account: string; json?: boolean }) =>
        withSchedule(opts.account, async (client, id) => {
          const handle = client.schedule.getHandle(id);
          if (name === 'pause') await handle.pause('paused from rcsync CLI');
          if (name === 'unpause') await handle.unpause('unpaused from rcsync CLI');
          // trigger() alone would use ALLOW_ALL and could start a second concurrent sync.
          if (name === 'trigger') await handle.trigger(ScheduleOverlapPolicy.SKIP);
          if (name === 'delete') await handle.delete();
          return opts.json ? { scheduleId: id, [name]: true } : `${name}: ${id} done.`;
        }, opts.json),
      );
  }

  schedule
    .command('list')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const { client, connection } = await connectTemporal();
      const rows = [];
      for await (const s of client.schedule.list()) if (s.scheduleId.startsWith('rcsync-sync-')) rows.push({ scheduleId: s.scheduleId, paused: s.state.paused });
      console.log(opts.json ? JSON.stringify(rows) : rows.map((r) => `${r.scheduleId}${r.paused ? ' (paused)' : ''}`).join('\n') || 'No schedules.');
      await connection.close();
    });
}
