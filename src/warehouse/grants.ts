/**
 * Least privilege: the schema's owner runs migrations; the worker's role only reads and
 * writes rows. `rcsync migrate --grant-worker ROLE` grants exactly what the worker uses
 * (and the same for tables later migrations create, through default privileges):
 * - CONNECT and TEMPORARY on the database (the SCD2 merge stages rows in a temp table);
 * - USAGE on schema ringcentral;
 * - SELECT, INSERT, UPDATE, DELETE on its tables and views; USAGE, SELECT, UPDATE on its
 *   sequences; EXECUTE on its functions.
 * Nothing else: no CREATE, no DROP, no TRUNCATE, no ownership.
 */
import type { Pool } from 'pg';

export class UnknownRoleError extends Error {
  override name = 'UnknownRoleError';
}

export async function grantWorkerPrivileges(pool: Pool, role: string): Promise<void> {
  const { rows } = await pool.query<{ ok: boolean }>('SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS ok', [role]);
  if (!rows[0].ok) throw new UnknownRoleError(`Role "${role}" does not exist: create it first (CREATE ROLE ${role} LOGIN PASSWORD '...').`);
  const r = await pool.query<{ r: string; db: string }>('SELECT quote_ident($1) AS r, quote_ident(current_database()) AS db', [role]);
  const { r: who, db } = r.rows[0];
  await pool.query(`
    GRANT CONNECT, TEMPORARY ON DATABASE ${db} TO ${who};
    GRANT USAGE ON SCHEMA ringcentral TO ${who};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ringcentral TO ${who};
    GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ringcentral TO ${who};
    GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ringcentral TO ${who};
    ALTER DEFAULT PRIVILEGES IN SCHEMA ringcentral GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${who};
    ALTER DEFAULT PRIVILEGES IN SCHEMA ringcentral GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${who};
    ALTER DEFAULT PRIVILEGES IN SCHEMA ringcentral GRANT EXECUTE ON FUNCTIONS TO ${who};`);
}
