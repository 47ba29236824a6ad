/** push start|stop|status: the account's push workflow (src/workflows/push.ts), which drives micro-syncs from events. */
import type { Command } from 'commander';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { pushWorkflow, pushWorkflowId } from '../../workflows/push';
import { connectTemporal } from '../connect';
import { fail } from '../errors';
import { checkAccount, defaultAccountKey } from '../validate';

/** The push line of a running push workflow; undefined when none runs. */
export async function pushLine(client: Client, workflowId: string): Promise<string | undefined> {
  try {
    const handle = client.workflow.getHandle(workflowId);
    if ((await handle.describe()).status.name !== 'RUNNING') return undefined;
    return ((await handle.query('progress')) as { line: string }).line;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

export function registerPush(program: Command) {
  const push = program.command('push').description("Push notifications: the account's subscription drives micro-syncs between scheduled syncs");
  const accountOpt = ['-a, --account <key>', 'account key (default: RC_ACCOUNT_KEY or "default")', defaultAccountKey()] as const;

  push
    .command('start')
    .description('Subscribe to the account\'s events (runs until stopped; without the WebSocket permission it reports push off and polling carries on)')
    .option(...accountOpt)
    .action(async (opts: { account: string }) => {
      const account = checkAccount(opts.account);
      const { client, connection, config } = await connectTemporal();
      const workflowId = pushWorkflowId(account);
      try {
        await client.workflow.start(pushWorkflow, { taskQueue: config.taskQueue, workflowId, args: [{ accountId: account }], staticSummary: `Push notifications of account ${account}` });
        console.log(`Started ${workflowId}. Its health: rcsync push status --account ${account}`);
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        console.log(`Push of account ${account} is already running (${workflowId}).`);
      } finally {
        await connection.close();
      }
    });

  push
    .command('stop')
    .description('Unsubscribe; scheduled syncs carry on')
    .option(...accountOpt)
    .action(async (opts: { account: string }) => {
      const { client, connection } = await connectTemporal();
      const workflowId = pushWorkflowId(opts.account);
      try {
        const handle = client.workflow.getHandle(workflowId);
        await handle.cancel().catch((err) => {
          if (err instanceof WorkflowNotFoundError) fail(`Push of account ${opts.account} is not running: start it with \`rcsync push start --account ${opts.account}\`.`);
          throw err;
        });
        await handle.result().catch(() => undefined);
        console.log(`Stopped ${workflowId}.`);
      } finally {
        await connection.close();
      }
    });

  push
    .command('status')
    .description('Connected since, events received, last event, gaps, dirty mailboxes waiting; or why push is off')
    .option(...accountOpt)
    .option('--json', 'machine-readable output')
    .action(async (opts: { account: string; json?: boolean }) => {
      const { client, connection } = await connectTemporal();
      try {
        const line = (await pushLine(client, pushWorkflowId(opts.account))) ?? `push: not running (start it with \`rcsync push start --account ${opts.account}\`)`;
        console.log(opts.json ? JSON.stringify({ account: opts.account, line }) : line);
      } finally {
        await connection.close();
      }
    });
}
