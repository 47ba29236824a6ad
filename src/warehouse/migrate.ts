/**
 * Versioned schema migrations: numbered SQL files in ./migrations, applied in order,
 * each in its own transaction and recorded with a checksum. An advisory lock makes
 * concurrent workers starting at once take turns instead of racing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { brokenConnection, inTransaction, type Pool } from './db';
import { sha256, sqlChecksum } from './sql-checksum';

const MIGRATIONS_DIR = path.join(__dirname, 'migrations');
const LOCK_KEY = 0x72637379; // 'rcsy': one lock id for "schema migration in progress"

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
  /** Checksums an unedited copy may carry in databases migrated before checksums ignored comments. */
  earlierChecksums?: string[];
}

/**
 * Raw checksums (of the whole file) that applied migrations were recorded with before their
 * comments were corrected; their SQL is unchanged (test/unit/migration-checksums.test.ts).
 */
const CHECKSUMS_BEFORE_COMMENT_FIXES: Record<number, string[]> = {
  1: ['8569b25378e04543324fc571a1685c234f5a03d72e7f6a5ff0ae81193046c5c7'],
};

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  const seen = new Set<number>();
  return files.map((file) => {
    const match = /^(\d+)_([\w-]+)\.sql$/.exec(file);
    if (!match) throw new Error(`Migration file name ${file} must look like 001_description.sql`);
    const version = Number(match[1]);
    if (seen.has(version)) throw new Error(`Two migrations share version ${version}`);
    seen.add(version);
    const sql = readFileSync(path.join(dir, file), 'utf8');
    // Databases migrated before checksums ignored comments carry the raw file's checksum.
    const earlierChecksums = [sha256(sql), ...(CHECKSUMS_BEFORE_COMMENT_FIXES[version] ?? [])];
    return { version, name: match[2], sql, checksum: sqlChecksum(sql), earlierChecksums };
  });
}

export class MigrationsPendingError extends Error {
  override name = 'MigrationsPendingError';
}

/**
 * The versions not yet applied, read without any DDL, so that a worker whose role may only
 * read and write rows can start against an up-to-date schema.
 */
async function pendingVersions(pool: Pool, migrations: Migration[]): Promise<number[] | undefined> {
  const { rows } = await pool.query<{ exists: boolean }>(`SELECT to_regclass('ringcentral.schema_migrations') IS NOT NULL AS exists`);
  if (!rows[0].exists) return undefined;
  const applied = await pool.query<{ version: number }>('SELECT version FROM ringcentral.schema_migrations');
  const done = new Set(applied.rows.map((r) => r.version));
  return migrations.filter((m) => !done.has(m.version)).map((m) => m.version);
}

/** Applies pending migrations; returns the versions applied now. */
export async function migrate(pool: Pool, migrations = loadMigrations()): Promise<number[]> {
  const pending = await pendingVersions(pool, migrations);
  if (pending?.length === 0) return [];
  const { rows: can } = await pool.query<{ ok: boolean }>(`SELECT has_database_privilege(current_database(), 'CREATE') AND
    (to_regnamespace('ringcentral') IS NULL OR pg_has_role((SELECT nspowner FROM pg_namespace WHERE nspname = 'ringcentral'), 'USAGE')) AS ok`);
  if (!can[0].ok) {
    throw new MigrationsPendingError(
      `${pending ? `Migrations ${pending.join(', ')} are` : 'The warehouse schema is'} not applied and this database role cannot apply them: run \`rcsync migrate\` as the schema's owner.`,
    );
  }
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ringcentral;
      CREATE TABLE IF NOT EXISTS ringcentral.schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number; checksum: string }>('SELECT version, checksum FROM ringcentral.schema_migrations');
    const applied = new Map(rows.map((r) => [r.version, r.checksum]));
    for (const [version, checksum] of applied) {
      const local = migrations.find((m) => m.version === version);
      if (local && local.checksum !== checksum && !local.earlierChecksums?.includes(checksum)) {
        throw new Error(`Migration ${version}_${local.name} was edited after it was applied; add a new migration instead.`);
      }
    }
    const done: number[] = [];
    for (const m of migrations.filter((m) => !applied.has(m.version))) {
      try {
        await inTransaction(client, async (tx) => {
          await tx.query(m.sql);
          await tx.query('INSERT INTO ringcentral.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, m.checksum]);
        });
      } catch (err) {
        broken = brokenConnection(err);
        throw new Error(`Migration ${m.version}_${m.name} failed and was rolled back: ${(err as Error).message}`);
      }
      done.push(m.version);
    }
    return done;
  } finally {
    // A connection that cannot unlock (or roll back) would keep the lock in the pool: destroy it.
    if (!broken) await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch((err: Error) => (broken = err));
    client.release(broken);
  }
}
