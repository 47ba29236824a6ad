/** `rcsync worker` as a separate OS process, for tests that need real processes (kill -9, several workers). */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { watchdog } from '../../src/infra/processes';

const ROOT = path.resolve(__dirname, '..', '..');

export interface WorkerProcess {
  child: ChildProcess;
  /** The last lines it wrote to stderr (its log), for failure messages. */
  tail(): string;
  /** Every line it wrote to stderr so far. */
  lines(): string[];
  kill(signal?: NodeJS.Signals): void;
}

export function spawnWorkerProcess(env: Record<string, string>): WorkerProcess {
  // Its own process group, so a signal reaches tsx's node child too.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'client', 'main.ts'), 'worker'], {
    cwd: ROOT,
    // Metrics off unless a test asks: several workers on one host would compete for the default ports.
    env: { ...process.env, RCSYNC_LOG_LEVEL: 'ERROR', RCSYNC_METRICS_ADDRESS: 'off', RCSYNC_TEMPORAL_METRICS_ADDRESS: 'off', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  // If the test run itself dies (Ctrl-C, SIGKILL), the worker's process group goes too.
  if (child.pid) watchdog(child.pid, undefined, true);
  const lines: string[] = [];
  let partial = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    // Always drained, so the child never blocks on a full pipe; whole lines only.
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  return {
    child,
    tail: () => [...lines.slice(-40), partial].join('\n'),
    lines: () => [...lines],
    kill(signal = 'SIGKILL') {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        /* already gone */
      }
    },
  };
}
