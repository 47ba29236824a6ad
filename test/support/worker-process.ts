/** `rcsync worker` as a separate OS process, for tests that need real processes (kill -9, several workers). */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { watchdog } from '../../src/infra/processes';

const ROOT = path.resolve(__dirname, '..', '..');

export interface WorkerProcess {
  child: ChildProcess;
  /** The last lines it wrote to stderr, for failure messages. */
  tail(): string;
  kill(signal?: NodeJS.Signals): void;
}

export function spawnWorkerProcess(env: Record<string, string>): WorkerProcess {
  // Its own process group, so a signal reaches tsx's node child too.
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(ROOT, 'src', 'client', 'main.ts'), 'worker'], {
    cwd: ROOT,
    env: { ...process.env, RCSYNC_LOG_LEVEL: 'ERROR', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  // If the test run itself dies (Ctrl-C, SIGKILL), the worker's process group goes too.
  if (child.pid) watchdog(child.pid, undefined, true);
  let lines: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => {
    lines = [...lines, ...chunk.toString().split('\n')].slice(-40); // always drained, so the child never blocks on a full pipe
  });
  return {
    child,
    tail: () => lines.join('\n'),
    kill(signal = 'SIGKILL') {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        /* already gone */
      }
    },
  };
}
