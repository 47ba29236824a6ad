/** Durable cursors per (account, stream, scope), written in the same transaction as the page they follow. */
import type { Db } from './db';

export interface CheckpointKey {
  accountId: string;
  stream: string;
  scope: string;
}

export async function readCheckpoint<C>(db: Db, key: CheckpointKey): Promise<C | undefined> {
  const { rows } = await db.query<{ cursor: C }>('SELECT cursor FROM ringcentral.checkpoint WHERE account_id = $1 AND stream = $2 AND scope = $3', [
    key.accountId,
    key.stream,
    key.scope,
  ]);
  return rows[0]?.cursor;
}

export async function writeCheckpoint<C>(db: Db, key: CheckpointKey, cursor: C): Promise<void> {
  await db.query(
    `INSERT INTO ringcentral.checkpoint (account_id, stream, scope, cursor) VALUES ($1, $2, $3, $4)
     ON CONFLICT (account_id, stream, scope) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = now()`,
    [key.accountId, key.stream, key.scope, JSON.stringify(cursor)],
  );
}

export async function deleteCheckpoint(db: Db, key: CheckpointKey): Promise<void> {
  await db.query('DELETE FROM ringcentral.checkpoint WHERE account_id = $1 AND stream = $2 AND scope = $3', [key.accountId, key.stream, key.scope]);
}

/**
 * A sync's finished windows keep a transient "done" marker until the run ends, so a retried
 * activity that had finished but not reported returns its counts instead of paging again.
 */
export async function dropTransientDoneMarkers(db: Db, accountId: string): Promise<void> {
  await db.query(`DELETE FROM ringcentral.checkpoint WHERE account_id = $1 AND cursor @> '{"done": true, "keep": false}'`, [accountId]);
}
