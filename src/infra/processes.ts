/**
 * Child processes that must not outlive us. Local services (dev server, Postgres) are
 * started as children; a detached watchdog kills them if this process dies in any way,
 * including SIGKILL or a Ctrl-C that skips our own teardown.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import net from 'node:net';

export interface ManagedProcess {
  child: ChildProcess;
  /** Recent stderr/stdout lines, for error messages when start-up fails. */
  tail(): string;
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

export function startManaged(cmd: string, args: string[], options: SpawnOptions & { removeOnOrphan?: string } = {}): ManagedProcess {
  const child = spawn(cmd, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines = [...lines, ...chunk.toString().split('\n').filter(Boolean)].slice(-30);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('error', (err) => keep(Buffer.from(String(err))));
  if (child.pid) watchdog(child.pid, options.removeOnOrphan);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    tail: () => lines.join('\n'),
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * A detached shell that waits for our pid to vanish, then kills the child (its whole process
 * group when `group`, for children started detached) and removes its temp dir.
 */
export function watchdog(childPid: number, removeDir?: string, group = false): void {
  const target = group ? `-${childPid}` : `${childPid}`;
  const cleanup = removeDir ? `; while kill -0 ${childPid} 2>/dev/null; do sleep 1; done; rm -rf '${removeDir.replace(/'/g, '')}'` : '';
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -TERM ${target} 2>/dev/null; sleep 5; kill -KILL ${target} 2>/dev/null${cleanup}`;
  const guard = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  guard.unref();
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, proc?: ManagedProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc && (proc.child.exitCode !== null || proc.child.signalCode !== null)) {
      throw new Error(`${what} exited during start-up:\n${proc.tail()}`);
    }
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} was not ready within ${timeoutMs / 1000} s.${proc ? `\n${proc.tail()}` : ''}`);
}
