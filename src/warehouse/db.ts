import pg from 'pg';

// Postgres returns bigint (int8) as string by default; extension and message ids fit in
// a JS number (< 2^53), and keeping them numeric avoids string/number mix-ups in joins.
pg.types.setTypeParser(20, (v) => {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
});

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
/** Anything a single statement can run on: the pool, or a connection inside a transaction. */
export type Db = pg.Pool | pg.PoolClient;

export function createPool(connectionString: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, application_name: 'rcsync' });
  // An idle client losing its connection must not crash the worker; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Runs fn in one transaction: the only BEGIN/COMMIT/ROLLBACK in the code base.
 *
 * Given the pool, it takes a connection and gives it back afterwards, unless the ROLLBACK
 * failed: then the connection may still sit inside the failed transaction (a timed-out
 * ROLLBACK is never sent), and the next borrower's COMMIT would commit this transaction's
 * writes. Such a connection is destroyed, which makes the server roll it back.
 * Given a connection (one that holds a session lock, say), it runs the transaction on it and
 * leaves the connection to its owner; a failed ROLLBACK is then reported on the error as
 * `connectionBroken` so the owner can destroy it.
 */
export async function inTransaction<T>(db: Db, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const pool = isConnection(db) ? undefined : db;
  const client = pool ? await pool.connect() : (db as pg.PoolClient);
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((rollbackErr: Error) => {
      broken = rollbackErr;
    });
    if (broken && err instanceof Error) Object.assign(err, { connectionBroken: broken });
    throw err;
  } finally {
    if (pool) client.release(broken);
  }
}

/** The error's connection could not roll back and must not be reused (see inTransaction). */
export function brokenConnection(err: unknown): Error | undefined {
  return (err as { connectionBroken?: Error } | undefined)?.connectionBroken;
}

function isConnection(db: Db): db is pg.PoolClient {
  return typeof (db as pg.PoolClient).release === 'function';
}
