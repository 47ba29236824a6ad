/**
 * Production workers load a prebuilt workflow bundle instead of bundling at start-up
 * (Temporal's `production` sample): faster start, and the exact code that was tested.
 * Also copies the SQL migrations next to the compiled migration runner.
 */
import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

async function main() {
  const root = path.resolve(__dirname, '..');
  const { code } = await bundleWorkflowCode({ workflowsPath: path.join(root, 'src', 'workflows', 'index.ts') });
  writeFileSync(path.join(root, 'dist', 'workflow-bundle.js'), code);
  cpSync(path.join(root, 'src', 'warehouse', 'migrations'), path.join(root, 'dist', 'src', 'warehouse', 'migrations'), { recursive: true });
  console.log('Wrote dist/workflow-bundle.js and copied migrations.');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
