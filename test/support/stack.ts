/** Per-test-file access to the shared stack: an isolated database and task queue each. */
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import pg from 'pg';
import { inject } from 'vitest';
import { createPool, type Pool } from '../../src/warehouse/db';
import { migrate } from '../../src/warehouse/migrate';

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

/**
 * A fresh, migrated database for one test file. `createOptions` is appended to CREATE DATABASE
 * (e.g. a locale); `migrations` limits the migrations applied (upgrade tests).
 */
export async function testDatabase(
  opts: { createOptions?: string; migrations?: Parameters<typeof migrate>[1] } = {},
): Promise<{ url: string; pool: Pool; drop(): Promise<void> }> {
  const adminUrl = inject('adminDatabaseUrl');
  const name = uniqueName('rcsync_test');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} ${opts.createOptions ?? ''}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pool = createPool(url.toString());
  await migrate(pool, opts.migrations);
  return {
    url: url.toString(),
    pool,
    async drop() {
      await pool.end();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function temporalClient(): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  return { client: new Client({ connection }), connection };
}

export async function workerConnection(): Promise<NativeConnection> {
  return NativeConnection.connect({ address: inject('temporalAddress') });
}
