/**
 * Least privilege: the owner migrates and grants; the worker's role runs a whole sync
 * (extraction, checkpoints, governor, SCD2 merge) with row privileges only, and can change
 * no schema.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { run } from '../../src/client/main';
import type { Simulator } from 'ringcentral-simulator';
import { createPool, type Pool } from '../../src/warehouse/db';
import { loadMigrations, migrate } from '../../src/warehouse/migrate';
import { accountSyncWorkflow } from '../../src/workflows';
import { ACCOUNT, startTestSimulator, startTestWorker, testClient, type TestWorker } from '../support/sync-harness';
import { uniqueName } from '../support/stack';

describe('owner migrates, worker role only reads and writes rows', () => {
  const suffix = randomBytes(3).toString('hex');
  const owner = { name: `rc_owner_${suffix}`, password: randomBytes(12).toString('hex') };
  const worker = { name: `rc_worker_${suffix}`, password: randomBytes(12).toString('hex') };
  const database = uniqueName('rcsync_priv');
  let admin: pg.Client;
  let workerPool: Pool;
  let sim: Simulator;
  let testWorker: TestWorker | undefined;
  const urlFor = (role: { name: string; password: string }) => {
    const url = new URL(inject('adminDatabaseUrl'));
    url.username = role.name;
    url.password = role.password;
    url.pathname = `/${database}`;
    return url.toString();
  };

  async function cli(argv: string[], env: Record<string, string>): Promise<{ code: number; lines: string[] }> {
    const lines: string[] = [];
    const saved = { ...process.env };
    Object.assign(process.env, env);
    const spies = [console.log, console.error].map((_, i) =>
      vi.spyOn(console, i ? 'error' : 'log').mockImplementation((...a) => void lines.push(a.join(' '))),
    );
    try {
      return { code: await run(argv), lines };
    } finally {
      spies.forEach((s) => s.mockRestore());
      process.env = saved;
    }
  }

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
    await admin.connect();
    await admin.query(`CREATE ROLE ${owner.name} LOGIN PASSWORD '${owner.password}'`);
    await admin.query(`CREATE ROLE ${worker.name} LOGIN PASSWORD '${worker.password}'`);
    await admin.query(`CREATE DATABASE ${database} OWNER ${owner.name}`);
    // The default PUBLIC grants of a new database are what real deployments start from; the
    // worker must not depend on them beyond what --grant-worker grants.
    await admin.query(`REVOKE ALL ON DATABASE ${database} FROM PUBLIC`);
    sim = await startTestSimulator({ seed: 61, extensions: 8, days: 2, callsPerExtensionPerDay: 6, messagesPerExtensionPerDay: 2 });
  });
  afterAll(async () => {
    await testWorker?.stop();
    await workerPool?.end();
    await sim?.close();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.query(`DROP ROLE IF EXISTS ${worker.name}`);
    await admin.query(`DROP ROLE IF EXISTS ${owner.name}`);
    await admin.end();
  });

  it('migrate --grant-worker as the owner; an unknown role is one line, exit 2', async () => {
    const bad = await cli(['migrate', '--grant-worker', 'no_such_role'], { DATABASE_URL: urlFor(owner) });
    expect(bad.code).toBe(2);
    expect(bad.lines.join('\n')).toMatch(/Role "no_such_role" does not exist/);
    const ok = await cli(['migrate', '--grant-worker', worker.name], { DATABASE_URL: urlFor(owner) });
    expect(ok.code, ok.lines.join('\n')).toBe(0);
    expect(ok.lines.join('\n')).toMatch(/Granted the worker privileges/);
  });

  it('the worker role starts (no DDL when up to date) and cannot change the schema', async () => {
    workerPool = createPool(urlFor(worker));
    expect(await migrate(workerPool)).toEqual([]);
    for (const ddl of ['CREATE TABLE ringcentral.intruder (x int)', 'DROP TABLE ringcentral.call_log_record', 'TRUNCATE ringcentral.call_log_record', 'ALTER TABLE ringcentral.call_log_record ADD COLUMN x int']) {
      await expect(workerPool.query(ddl), ddl).rejects.toThrow(/permission denied|must be owner/);
    }
    // A pending migration is named, with the fix, instead of a bare "permission denied".
    const pending = [...loadMigrations(), { version: 999, name: 'future', sql: 'SELECT 1', checksum: 'x' }];
    await expect(migrate(workerPool, pending)).rejects.toThrow(/Migrations 999 are not applied .* run `rcsync migrate` as the schema's owner/);
  });

  it('runs a whole sync, merge included, with only those privileges', async () => {
    const { client, taskQueue, close } = await testClient();
    try {
      testWorker = await startTestWorker(workerPool, sim, taskQueue);
      const result = await client.workflow.execute(accountSyncWorkflow, { taskQueue, workflowId: uniqueName('priv_sync'), args: [{ accountId: ACCOUNT }] });
      expect(result.phase).toBe('done');
      const { rows } = await workerPool.query(`SELECT (SELECT count(*) FROM ringcentral.dim_extension WHERE account_id = $1)::int AS versions,
        (SELECT count(*) FROM ringcentral.call_log_record WHERE account_id = $1)::int AS calls`, [ACCOUNT]);
      expect(rows[0].versions).toBe(sim.truth.extensions().length);
      expect(rows[0].calls).toBeGreaterThan(0);
    } finally {
      await close();
    }
  }, 180_000);
});
