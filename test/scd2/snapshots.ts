/**
 * Test helper: writes one sync run's snapshots the way the extraction does - a sync_run row,
 * ringcentral.snapshot rows per stream, and the extension_snapshot / directory_entry_snapshot
 * records (set-based, via jsonb_to_recordset). The sync_run row is written as already succeeded
 * so that many test runs of one account can exist (011 allows one running sync per account).
 */
import type { Pool } from '../../src/warehouse/db';

export interface ExtensionRecord {
  id: number;
  extensionNumber?: string | null;
  name?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  department?: string | null;
  jobTitle?: string | null;
  type?: string | null;
  subType?: string | null;
  status?: string | null;
  siteId?: string | null;
  siteName?: string | null;
  hidden?: boolean | null;
  costCenter?: string | null;
  creationTime?: string | null;
  /** Untracked API fields: stored in `raw` only. */
  extra?: Record<string, unknown>;
}

export interface DirectoryRecord {
  id: number | string;
  type?: string | null;
  status?: string | null;
  extensionNumber?: string | null;
  name?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  department?: string | null;
  jobTitle?: string | null;
  siteId?: string | null;
  siteName?: string | null;
  hidden?: boolean | null;
  phoneNumbers?: unknown;
  extra?: Record<string, unknown>;
}

export interface SnapshotInput {
  accountId: string;
  runId: string;
  capturedAt: string | Date;
  extensions: ExtensionRecord[];
  /** completed_at set (every page arrived). Default true. */
  extensionsComplete?: boolean;
  /** Omitted/null: the run took no directory snapshot. */
  directory?: DirectoryRecord[] | null;
  directoryComplete?: boolean;
  /** Directory capture time; default capturedAt + 1 s. */
  directoryCapturedAt?: string | Date;
}

const iso = (t: string | Date) => (typeof t === 'string' ? t : t.toISOString());

export async function writeSnapshot(pool: Pool, s: SnapshotInput): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO ringcentral.sync_run (run_id, account_id, kind, status, finished_at) VALUES ($1, $2, 'sync', 'succeeded', now())
       ON CONFLICT (run_id) DO NOTHING`,
      [s.runId, s.accountId],
    );
    const snapshot = `INSERT INTO ringcentral.snapshot (run_id, account_id, stream, captured_at, completed_at, pages, records)
      VALUES ($1, $2, $3, $4::timestamptz, CASE WHEN $5::boolean THEN $4::timestamptz + interval '2 seconds' END, 1, $6)`;
    await client.query(snapshot, [s.runId, s.accountId, 'extensions', iso(s.capturedAt), s.extensionsComplete ?? true, s.extensions.length]);
    const extRows = s.extensions.map((e) => ({ ...e, raw: { ...e, ...e.extra, extra: undefined } }));
    await client.query(
      `INSERT INTO ringcentral.extension_snapshot (run_id, account_id, extension_id, extension_number, name, first_name,
         last_name, email, department, job_title, type, sub_type, status, site_id, site_name, hidden, cost_center,
         creation_time, raw)
       SELECT $1, $2, r.id, r."extensionNumber", r.name, r."firstName", r."lastName", r.email, r.department, r."jobTitle",
              r.type, r."subType", r.status, r."siteId", r."siteName", r.hidden, r."costCenter", r."creationTime", r.raw
       FROM jsonb_to_recordset($3::jsonb) AS r(id bigint, "extensionNumber" text, name text, "firstName" text,
         "lastName" text, email text, department text, "jobTitle" text, type text, "subType" text, status text,
         "siteId" text, "siteName" text, hidden boolean, "costCenter" text, "creationTime" timestamptz, raw jsonb)`,
      [s.runId, s.accountId, JSON.stringify(extRows)],
    );
    if (s.directory) {
      const dirAt = s.directoryCapturedAt ?? new Date(new Date(s.capturedAt).getTime() + 1000);
      await client.query(snapshot, [s.runId, s.accountId, 'directory', iso(dirAt), s.directoryComplete ?? true, s.directory.length]);
      const dirRows = s.directory.map((d) => ({ ...d, id: String(d.id), raw: { ...d, ...d.extra, extra: undefined } }));
      await client.query(
        `INSERT INTO ringcentral.directory_entry_snapshot (run_id, account_id, entry_id, extension_id, type, status,
           extension_number, name, first_name, last_name, email, department, job_title, site_id, site_name, hidden,
           phone_numbers, raw)
         SELECT $1, $2, r.id, CASE WHEN r.id ~ '^[0-9]+$' THEN r.id::bigint END, r.type, r.status, r."extensionNumber",
                r.name, r."firstName", r."lastName", r.email, r.department, r."jobTitle", r."siteId", r."siteName",
                r.hidden, r."phoneNumbers", r.raw
         FROM jsonb_to_recordset($3::jsonb) AS r(id text, type text, status text, "extensionNumber" text, name text,
           "firstName" text, "lastName" text, email text, department text, "jobTitle" text, "siteId" text,
           "siteName" text, hidden boolean, "phoneNumbers" jsonb, raw jsonb)`,
        [s.runId, s.accountId, JSON.stringify(dirRows)],
      );
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

/** Every version of an account's dimension, in a stable order, for before/after comparisons. */
export async function dumpDimension(pool: Pool, accountId: string): Promise<Record<string, unknown>[]> {
  const { rows } = await pool.query(
    `SELECT extension_key, extension_id, extension_number, name, first_name, last_name, email, department, job_title,
            type, sub_type, status, site_id, site_name, hidden, cost_center, phone_numbers, row_hash,
            to_json(valid_from) #>> '{}' AS valid_from, to_json(valid_to) #>> '{}' AS valid_to, is_current, is_deleted,
            attributes_inferred_before_first_snapshot AS inferred, created_by_run_id, closed_by_run_id
     FROM ringcentral.dim_extension WHERE account_id = $1 ORDER BY extension_id, valid_from`,
    [accountId],
  );
  return rows;
}
