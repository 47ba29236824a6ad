/** Durable cursors per (account, stream, scope), written in the same transaction as the page they follow. */
import type { Pool, PoolClient } from 'pg';

export interface CheckpointKey {
  accountId: string;
  stream: string;
  scope: string;
}

export async function readCheckpoint<C>(db: Pool | PoolClient, key: CheckpointKey): Promise<C | undefined> {
  const { rows } = await db.query<{ cursor: C }>('SELECT cursor FROM ringcentral.checkpoint WHERE account_id = $1 AND stream = $2 AND scope = $3', [
    key.accountId,
    key.stream,
    key.scope,
  ]);
  return rows[0]?.cursor;
}

export async function writeCheckpoint<C>(db: Pool | PoolClient, key: CheckpointKey, cursor: C): Promise<void> {
  await db.query(
    `INSERT INTO ringcentral.checkpoint (account_id, stream, scope, cursor) VALUES ($1, $2, $3, $4)
     ON CONFLICT (account_id, stream, scope) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = now()`,
    [key.accountId, key.stream, key.scope, JSON.stringify(cursor)],
  );
}

export async function deleteCheckpoint(db: Pool | PoolClient, key: CheckpointKey): Promise<void> {
  await db.query('DELETE FROM ringcentral.checkpoint WHERE account_id = $1 AND stream = $2 AND scope = $3', [key.accountId, key.stream, key.scope]);
}

/**
 * A sync's finished windows keep a transient "done" marker until the run ends, so a retried
 * activity that had finished but not reported returns its counts instead of paging again.
 */
export async function dropTransientDoneMarkers(db: Pool | PoolClient, accountId: string): Promise<void> {
  await db.query(`DELETE FROM ringcentral.checkpoint WHERE account_id = $1 AND cursor @> '{"done": true, "keep": false}'`, [accountId]);
}

/** Runs fn in one transaction. */
export async function inTransaction<T>(pool: Pool, fn: (db: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** A running sync reports progress, so it is never mistaken for an abandoned one. */
export async function touchRunProgress(db: Pool | PoolClient, runId: string): Promise<void> {
  await db.query('UPDATE ringcentral.sync_run SET progress_at = now() WHERE run_id = $1', [runId]);
}
