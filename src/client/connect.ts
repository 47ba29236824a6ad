/** Connections for CLI commands, with errors that say what to fix. */
import { Client, Connection } from '@temporalio/client';
import { dataConverter } from '../codec';
import { ConfigError, databaseUrl, temporalConfig, type TemporalConfig } from '../config';
import { createPool, type Pool } from '../warehouse/db';
import { EXIT, fail } from './errors';

export async function connectTemporal(): Promise<{ client: Client; connection: Connection; config: TemporalConfig }> {
  const config = temporalConfig();
  let converter;
  try {
    converter = dataConverter();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  try {
    const connection = await Connection.connect({ address: config.address, connectTimeout: 5_000 });
    await connection.workflowService.getSystemInfo({});
    return { client: new Client({ connection, namespace: config.namespace, dataConverter: converter }), connection, config };
  } catch {
    return fail(`Cannot reach Temporal at ${config.address}: start it (e.g. \`temporal server start-dev\`) or set TEMPORAL_ADDRESS.`, EXIT.usage);
  }
}

export async function connectDatabase(): Promise<Pool> {
  let url: string;
  try {
    url = databaseUrl();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  let host: string;
  try {
    host = new URL(url).host;
  } catch {
    return fail('DATABASE_URL is not a URL: use postgres://user:password@host:5432/database.');
  }
  const pool = createPool(url, 4);
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    fail(`Cannot reach Postgres at ${host} (${(err as { code?: string }).code ?? 'connection failed'}): check DATABASE_URL.`);
  }
  return pool;
}
