/** Connections for CLI commands, with errors that say what to fix. */
import { Client, Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { dataConverter } from '../codec';
import { databaseUrl, temporalConfig, type TemporalConfig } from '../config';
import { createPool, type Pool } from '../warehouse/db';
import { EXIT, fail } from './errors';

type WorkflowService = Connection['workflowService'] | NativeConnection['workflowService'];

const NOT_FOUND = 5; // gRPC status code

/** An unknown namespace otherwise surfaces as a raw gRPC status (or a worker that never polls). */
export async function checkNamespace(service: WorkflowService, config: TemporalConfig): Promise<void> {
  try {
    await service.describeNamespace({ namespace: config.namespace });
  } catch (err) {
    if ((err as { code?: number }).code === NOT_FOUND) {
      fail(`Namespace "${config.namespace}" not found on Temporal at ${config.address}: create it (\`temporal operator namespace create ${config.namespace}\`) or set TEMPORAL_NAMESPACE.`);
    }
    fail(`Cannot use namespace "${config.namespace}" on Temporal at ${config.address} (${(err as Error).message.split('\n')[0]}): check TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE.`);
  }
}

export const temporalUnreachable = (address: string) =>
  `Cannot reach Temporal at ${address}: start it (e.g. \`temporal server start-dev\`) or set TEMPORAL_ADDRESS.`;

export async function connectTemporal(config: TemporalConfig = temporalConfig()): Promise<{ client: Client; connection: Connection; config: TemporalConfig }> {
  const converter = dataConverter();
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: config.address, connectTimeout: 5_000 });
    await connection.workflowService.getSystemInfo({});
  } catch {
    return fail(temporalUnreachable(config.address), EXIT.usage);
  }
  try {
    await checkNamespace(connection.workflowService, config);
  } catch (err) {
    await connection.close();
    throw err;
  }
  return { client: new Client({ connection, namespace: config.namespace, dataConverter: converter }), connection, config };
}

/** What a failed first query means, in words; never the user name or password. */
export function postgresProblem(err: unknown, host: string): string {
  const code = (err as { code?: string }).code;
  if (code === '3D000') return `The database in DATABASE_URL does not exist on ${host}: create it (\`createdb\`) or fix the database name.`;
  if (code === '28P01' || code === '28000') return `Postgres at ${host} refused the login (authentication failed): check the user and password in DATABASE_URL.`;
  if (code === '42501') return `The DATABASE_URL user may not connect to or use this database on ${host}: grant it access or use another user.`;
  return `Cannot reach Postgres at ${host} (${code ?? 'connection failed'}): start it or fix the host and port in DATABASE_URL.`;
}

export async function connectDatabase(): Promise<Pool> {
  const url = databaseUrl();
  const host = new URL(url).host;
  const pool = createPool(url, 4);
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    fail(postgresProblem(err, host));
  }
  return pool;
}
