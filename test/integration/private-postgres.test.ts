/** The private Postgres of tests and the demo admits only holders of the URL it hands out. */
import { statSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivatePostgres, type PrivatePostgres } from '../../src/infra/private-postgres';

async function connectError(config: pg.ClientConfig): Promise<{ code?: string; message: string } | undefined> {
  const client = new pg.Client(config);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return err as { code?: string; message: string };
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('private Postgres', () => {
  let cluster: PrivatePostgres;
  let url: URL;
  beforeAll(async () => {
    cluster = await startPrivatePostgres();
    url = new URL(cluster.url);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('the URL it hands out works; without its password, or as another user, connections are refused', async () => {
    expect(url.password).toMatch(/^[0-9a-f]{48}$/);
    expect(await connectError({ connectionString: cluster.url })).toBeUndefined();
    const tcp = { host: url.hostname, port: Number(url.port), database: 'postgres' };
    // No password at all: the server asks for one (the client cannot answer the SCRAM challenge).
    expect(await connectError({ ...tcp, user: 'postgres' })).toBeDefined();
    expect(await connectError({ ...tcp, user: 'postgres', password: 'postgres' })).toMatchObject({ code: '28P01' });
    expect((await connectError({ ...tcp, user: 'someone_else', password: url.password }))?.code).toMatch(/^28/);

    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    try {
      const rules = await admin.query<{ type: string; auth_method: string }>('SELECT DISTINCT type, auth_method FROM pg_hba_file_rules ORDER BY 1');
      expect(rules.rows.length).toBeGreaterThan(0);
      expect(rules.rows.every((r) => r.auth_method === 'scram-sha-256')).toBe(true);
      // The socket lives in the cluster's own folder, closed to other users, and asks for the password too.
      const socketDir = (await admin.query<{ unix_socket_directories: string }>('SHOW unix_socket_directories')).rows[0].unix_socket_directories;
      expect(statSync(socketDir).mode & 0o777).toBe(0o700);
      expect(await connectError({ host: socketDir, port: Number(url.port), database: 'postgres', user: 'postgres', password: 'postgres' })).toMatchObject({ code: '28P01' });
    } finally {
      await admin.end();
    }
  });
});
