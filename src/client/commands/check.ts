import type { Command } from 'commander';
import { checkWorkflow } from '../../workflows';
import { connectTemporal } from '../connect';
import { requireWorker } from '../pollers';

export function registerCheck(program: Command) {
  program
    .command('check')
    .description('End-to-end health check: a worker runs a workflow whose activity writes to the warehouse')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const { client, config, connection } = await connectTemporal();
      try {
        await requireWorker(connection, config.namespace, config.taskQueue);
        const workflowId = `check-${Date.now()}`;
        const result = await client.workflow.execute(checkWorkflow, { taskQueue: config.taskQueue, workflowId, workflowExecutionTimeout: '1 minute' });
        console.log(opts.json ? JSON.stringify({ workflowId, ...result }) : `OK: worker wrote health_check row ${result.healthCheckId}.`);
      } finally {
        await connection.close();
      }
    });
}
