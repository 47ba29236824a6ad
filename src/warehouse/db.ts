import pg from 'pg';

// Postgres returns bigint (int8) as string by default; extension and message ids fit in
// a JS number (< 2^53), and keeping them numeric avoids string/number mix-ups in joins.
pg.types.setTypeParser(20, (v) => {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
});

export type Pool = pg.Pool;

export function createPool(connectionString: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, application_name: 'rcsync' });
  // An idle client losing its connection must not crash the worker; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}
