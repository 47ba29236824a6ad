/** The one inTransaction (src/warehouse/db.ts) on real Postgres: a connection that cannot roll back never returns to the pool. */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokenConnection, inTransaction } from '../../src/warehouse/db';
import { testDatabase } from '../support/stack';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('inTransaction', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  const pools: pg.Pool[] = [];
  /** One connection, so the next borrower gets the same one if it is given back; queries time out client-side after 300 ms. */
  const singleConnectionPool = () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 1, query_timeout: 300 });
    pools.push(pool);
    return pool;
  };
  const ids = async () => (await db.pool.query<{ id: string }>('SELECT id FROM tx_probe ORDER BY id')).rows.map((r) => r.id);

  beforeAll(async () => {
    db = await testDatabase();
    await db.pool.query('CREATE TABLE tx_probe (id text PRIMARY KEY)');
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
    await db?.drop();
  });

  it('a transaction whose ROLLBACK fails is destroyed: the next borrower cannot commit its writes', async () => {
    await db.pool.query('TRUNCATE tx_probe');
    const pool = singleConnectionPool();
    const failed = inTransaction(pool, async (tx) => {
      await tx.query(`INSERT INTO tx_probe VALUES ('abandoned')`);
      // Times out client-side while the server keeps sleeping: the ROLLBACK queued behind it times out too, unsent.
      await tx.query('SELECT pg_sleep(1)');
    });
    await expect(failed).rejects.toThrow(/timeout/i);
    expect(brokenConnection(await failed.catch((e) => e))).toBeInstanceOf(Error);
    expect(pool.totalCount).toBe(0);
    await sleep(1_000); // the server has finished the sleep: a connection still in the pool would now be usable
    await inTransaction(pool, async (tx) => {
      await tx.query(`INSERT INTO tx_probe VALUES ('next')`);
    });
    expect(await ids()).toEqual(['next']);
  });

  it('a transaction that fails and rolls back gives its connection back, and writes nothing', async () => {
    await db.pool.query('TRUNCATE tx_probe');
    const pool = singleConnectionPool();
    let removed = 0;
    pool.on('remove', () => removed++);
    const failure = await inTransaction(pool, async (tx) => {
      await tx.query(`INSERT INTO tx_probe VALUES ('rolled back')`);
      throw new Error('page rejected');
    }).catch((e: Error) => e);
    expect(failure).toBeInstanceOf(Error);
    expect(brokenConnection(failure)).toBeUndefined();
    expect(await inTransaction(pool, async (tx) => (await tx.query('SELECT 1 AS one')).rows[0].one)).toBe(1);
    expect(removed).toBe(0);
    expect(await ids()).toEqual([]);
  });

  it('on a connection its owner holds, a failed ROLLBACK is reported for the owner to destroy the connection', async () => {
    const pool = singleConnectionPool();
    const client = await pool.connect();
    const err = await inTransaction(client, async (tx) => {
      await tx.query('SELECT pg_sleep(1)');
    }).catch((e: Error) => e);
    expect(brokenConnection(err)).toBeInstanceOf(Error);
    client.release(brokenConnection(err));
    expect(pool.totalCount).toBe(0);
  });
});
