/**
 * `rcsync demo` end to end with a small account: its printed summary is checked against the
 * database, and every command and query it prints (and the README's example queries) is run
 * as printed against the running demo.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { WarehouseSummary } from '../../src/demo/summary';
import { watchdog } from '../../src/infra/processes';
import { testDatabase } from '../support/stack';

const ROOT = path.resolve(__dirname, '..', '..');

/** The README's SQL examples, one statement each. */
function readmeQueries(): string[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const block = /```sql\n([\s\S]*?)```/.exec(readme)![1];
  return block
    .split(';')
    .map((s) => s.replace(/--.*$/gm, '').trim())
    .filter(Boolean);
}

/** `export A=1 B=2` as printed: the values are demo settings without spaces. */
function exported(line: string): Record<string, string> {
  return Object.fromEntries(
    line
      .replace(/^\s*export\s+/, '')
      .split(/\s+/)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
}

describe('rcsync demo', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  beforeAll(async () => {
    db = await testDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('backfills, syncs through account changes, prints a true summary, and every command it prints works while it runs', async () => {
    const demo = spawn(
      process.execPath,
      // As `npm run demo` runs it: node with tsx's loader, no tsx CLI in between (that one SIGKILLs a
      // child whose answer to a relayed Ctrl-C takes over 30 ms, which a loaded machine can take).
      ['--import', 'tsx', 'src/client/main.ts', 'demo', '--extensions', '12', '--days', '1', '--syncs', '3', '--rate-window', '1', '--json'],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: db.url, TEMPORAL_ADDRESS: inject('temporalAddress') }, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    if (demo.pid) watchdog(demo.pid, undefined, true);
    let stdout = '';
    let stderr = '';
    demo.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    demo.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => demo.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 400_000;
      while (!/Ctrl-C stops it all/.test(stderr)) {
        if (demo.exitCode !== null || Date.now() > deadline) throw new Error(`demo did not come up:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(stderr).toMatch(/Backfill .* \(call log and message stores\)/);
      // Background failures, if any, are one line each: no stack traces in the terminal.
      expect(stderr).not.toMatch(/^\s+at /m);
      const summary = JSON.parse(stdout.trim().split('\n').at(-1)!) as WarehouseSummary;

      for (const [table, n] of Object.entries(summary.tables)) {
        const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM ringcentral.${table} WHERE account_id = 'demo'`);
        expect(rows[0].n, table).toBe(n);
      }
      expect(summary.tables.call_log_record).toBeGreaterThan(100);
      expect(summary.tables.message).toBeGreaterThan(10);
      expect(summary.syncRuns).toEqual({ 'backfill:succeeded': 1, 'sync:succeeded': 3 });
      const dim = await db.pool.query(`SELECT count(*)::int AS versions, count(*) FILTER (WHERE is_deleted)::int AS deleted FROM ringcentral.dim_extension`);
      expect(summary.dimension.versions).toBe(dim.rows[0].versions);
      expect(summary.dimension.deleted).toBeGreaterThanOrEqual(1);

      // The recycled number: calls on each side belong to a different extension id, and the
      // dimension says each id held the number at that time.
      const r = summary.recycled!;
      expect(r.before.calls).toBeGreaterThan(0);
      expect(r.after.calls).toBeGreaterThan(0);
      expect(r.before.extensionId).not.toBe(r.after.extensionId);
      for (const side of [r.before, r.after]) {
        const { rows } = await db.pool.query(`SELECT extension_id FROM ringcentral.extension_holder('demo', $1, $2)`, [r.extensionNumber, side.at]);
        expect(rows[0].extension_id).toBe(side.extensionId);
      }

      // The printed hint, as printed: now() is the account's present, so it names the new holder.
      const hint = /Try: (SELECT .*;)/.exec(stderr)![1];
      const held = await db.pool.query(hint);
      expect(held.rows.map((row) => row.extension_id)).toEqual([r.after.extensionId]);

      // The README's example queries, against the demo's account.
      for (const sql of readmeQueries()) {
        expect(sql).toContain(`'demo'`);
        const { rows } = await db.pool.query(sql);
        expect(rows.length, sql).toBeGreaterThan(0);
      }

      // The printed shell commands, each as printed, with the printed exports.
      const lines = stderr.split('\n');
      const exportAt = lines.findIndex((l) => /^\s*export DATABASE_URL=/.test(l));
      const env = { ...process.env, ...exported(lines[exportAt]) };
      expect(env.DATABASE_URL).toBe(db.url);
      const commands = lines[exportAt + 1].trim().split(/;\s*/);
      expect(commands).toEqual(['npm run -s rcsync -- status', 'npm run -s rcsync -- sync --wait', 'psql "$DATABASE_URL"']);
      const results: Record<string, { status: number | null; stdout: string; stderr: string }> = {};
      for (const command of commands) {
        // psql reads the README's queries from stdin, as a user would type them.
        results[command] = spawnSync('sh', ['-c', command], { cwd: ROOT, env, encoding: 'utf8', input: readmeQueries().join(';\n') + ';\n', timeout: 180_000 });
        expect(results[command].status, `${command}\n${results[command].stderr}`).toBe(0);
      }
      expect(results[commands[0]].stdout).toMatch(/COMPLETED\s+\S+\s+demo-backfill-/);
      expect(results[commands[1]].stdout).toMatch(/^Sync done: /);
      expect(results[commands[2]].stdout).toMatch(/extension_id/);
      const runs = await db.pool.query(`SELECT count(*)::int AS n FROM ringcentral.sync_run WHERE account_id = 'demo' AND kind = 'sync' AND status = 'succeeded'`);
      expect(runs.rows[0].n, 'the CLI sync merged a new snapshot').toBe(4);

      // Ctrl-C stops everything it started.
      process.kill(-demo.pid!, 'SIGINT');
      expect(await exited).toBe(0);
    } finally {
      try {
        process.kill(-demo.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
});
