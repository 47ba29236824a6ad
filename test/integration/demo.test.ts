/** `rcsync demo` end to end with a small account; its printed summary is checked against the database. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { WarehouseSummary } from '../../src/demo/summary';
import { testDatabase } from '../support/stack';

const ROOT = path.resolve(__dirname, '..', '..');

describe('rcsync demo', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  beforeAll(async () => {
    db = await testDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('backfills, syncs through account changes, and prints a summary that matches the warehouse', async () => {
    const run = spawnSync(
      process.execPath,
      [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'src/client/main.ts', 'demo', '--extensions', '12', '--days', '1', '--syncs', '3', '--rate-window', '1', '--exit', '--json'],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: db.url, TEMPORAL_ADDRESS: inject('temporalAddress') }, encoding: 'utf8', timeout: 300_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/Backfill .* \(call log and message stores\)/);
    const summary = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as WarehouseSummary;

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
  });
});
