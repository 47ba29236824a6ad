/**
 * The operations runbook is executable: every `rcsync` line in docs/operations.md's `sh`
 * blocks runs, in order, against a local stack and succeeds; every other line names the test
 * that covers it instead.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Connection } from '@temporalio/client';
import { run } from '../../src/client/main';
import { requireWorker } from '../../src/client/pollers';
import { ACCOUNT, stackEnv, useSyncStack } from '../support/sync-harness';
import { spawnWorkerProcess, type WorkerProcess } from '../support/worker-process';

const ROOT = path.resolve(__dirname, '..', '..');
const RUNBOOK = path.join(ROOT, 'docs', 'operations.md');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The shell lines of every ```sh block, without trailing comments. */
export function runbookLines(markdown: string): Array<{ command: string; comment: string }> {
  const lines: Array<{ command: string; comment: string }> = [];
  for (const block of markdown.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const raw of block[1].split('\n')) {
      if (!raw.trim()) continue;
      const hash = raw.search(/\s#\s/);
      lines.push({ command: (hash < 0 ? raw : raw.slice(0, hash)).trim(), comment: hash < 0 ? '' : raw.slice(hash).replace(/^\s*#\s*/, '') });
    }
  }
  return lines;
}

/** Words of a simple shell line: double quotes, $VAR and ${VAR}; nothing else is allowed. */
export function shellWords(line: string, vars: Record<string, string>): string[] {
  if (/[|;&<>`']|\$\(/.test(line)) throw new Error(`runbook line uses shell features the test does not run: ${line}`);
  const expanded = line.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string, b: string) => {
    const name = a ?? b;
    if (!(name in vars)) throw new Error(`runbook line uses $${name}, which the test does not set: ${line}`);
    return vars[name];
  });
  return [...expanded.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

describe('the operations runbook', () => {
  const now = new Date(Math.floor(Date.now() / HOUR) * HOUR - HOUR);
  const stack = useSyncStack({ seed: 81, extensions: 6, days: 4, callsPerExtensionPerDay: 20, messagesPerExtensionPerDay: 2, now }, undefined, 0);
  let worker: WorkerProcess;
  beforeAll(async () => {
    worker = spawnWorkerProcess({ ...stackEnv(stack), RCSYNC_MAX_PAGE_SIZE: '5' });
    // The runbook starts with an operator's view of a running deployment: a worker polling.
    const connection = (stack.client.connection as Connection);
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await requireWorker(connection, 'default', stack.taskQueue);
        break;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`worker never polled: ${worker.tail()}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  });
  afterAll(() => worker?.kill());

  it('every rcsync line works as written; every other line names the test that covers it', async () => {
    const lines = runbookLines(readFileSync(RUNBOOK, 'utf8'));
    const day = (offset: number) => new Date(now.getTime() - offset * DAY).toISOString().slice(0, 10);
    const vars = { FROM: day(3), TO: day(1), WORKER_PID: String(worker.child.pid) };
    const commands = lines.filter((l) => l.command.startsWith('rcsync '));
    expect(commands.length).toBeGreaterThanOrEqual(12);
    for (const other of lines.filter((l) => !l.command.startsWith('rcsync '))) {
      const covered = /not run[^:]*: (test\/[\w/.-]+\.test\.ts)/.exec(other.comment);
      expect(covered, `"${other.command}" is neither run nor covered by a named test`).not.toBeNull();
      expect(existsSync(path.join(ROOT, covered![1])), covered![1]).toBe(true);
    }

    // Slow call-log pages, so the backfill is still running when the runbook cancels it.
    stack.sim.faults.add({ kind: 'slow', delayMs: 300, probability: 1, match: { path: /call-log/ } });
    const saved = { ...process.env };
    Object.assign(process.env, stackEnv(stack), vars);
    const output: string[] = [];
    const spies = (['log', 'error'] as const).map((k) => vi.spyOn(console, k).mockImplementation((...a) => void output.push(a.join(' '))));
    try {
      for (const { command } of commands) {
        if (command.includes('--wait')) stack.sim.faults.clear();
        output.length = 0;
        const code = await run(shellWords(command, vars).slice(1));
        expect(code, `${command}\n${output.join('\n')}\n${worker.tail()}`).toBe(0);
      }
    } finally {
      spies.forEach((s) => s.mockRestore());
      process.env = saved;
      stack.sim.faults.clear();
    }
    // The cancelled backfill was resumed to completion, and the schedule left behind is live.
    const { rows } = await stack.db.pool.query(`SELECT status FROM ringcentral.sync_run WHERE account_id = $1 AND kind = 'backfill' ORDER BY started_at`, [ACCOUNT]);
    expect(rows.map((r) => r.status)).toContain('cancelled');
    expect(rows[rows.length - 1].status).toBe('succeeded');
    await stack.client.schedule.getHandle(`rcsync-sync-${ACCOUNT}`).delete();
  }, 300_000);
});
