/**
 * Idempotent, set-based writes of one page of records: the page travels as one JSON array
 * and SQL maps fields to columns, so a page of 1,000 records is one statement. Re-writing
 * a page changes nothing; a newer lastModifiedTime updates the row; an older one (a stale
 * page fetched before a later change) never overwrites a newer version.
 */
import type { PoolClient } from 'pg';
import { countWritten } from '../metrics/product';

export async function upsertCallLogRecords(db: PoolClient, accountId: string, records: unknown[]): Promise<number> {
  if (records.length === 0) return 0;
  const { rowCount } = await db.query(
    `INSERT INTO ringcentral.call_log_record AS t (
       account_id, id, session_id, telephony_session_id, extension_id, start_time, duration, direction, type, action, result,
       from_phone_number, from_extension_number, from_extension_id, from_name,
       to_phone_number, to_extension_number, to_extension_id, to_name, last_modified_time, deleted, raw)
     SELECT DISTINCT ON (r->>'id') $1, r->>'id', r->>'sessionId', r->>'telephonySessionId', (r->'extension'->>'id')::bigint,
            (r->>'startTime')::timestamptz, (r->>'duration')::int, r->>'direction', r->>'type', r->>'action', r->>'result',
            r->'from'->>'phoneNumber', r->'from'->>'extensionNumber', (r->'from'->>'extensionId')::bigint, r->'from'->>'name',
            r->'to'->>'phoneNumber', r->'to'->>'extensionNumber', (r->'to'->>'extensionId')::bigint, r->'to'->>'name',
            (r->>'lastModifiedTime')::timestamptz, coalesce((r->>'deleted')::boolean, false), r
       FROM jsonb_array_elements($2::jsonb) r
      ORDER BY r->>'id', (r->>'lastModifiedTime')::timestamptz DESC NULLS LAST
     ON CONFLICT (account_id, id) DO UPDATE SET
       session_id = EXCLUDED.session_id, telephony_session_id = EXCLUDED.telephony_session_id, extension_id = EXCLUDED.extension_id,
       start_time = EXCLUDED.start_time, duration = EXCLUDED.duration, direction = EXCLUDED.direction, type = EXCLUDED.type,
       action = EXCLUDED.action, result = EXCLUDED.result,
       from_phone_number = EXCLUDED.from_phone_number, from_extension_number = EXCLUDED.from_extension_number,
       from_extension_id = EXCLUDED.from_extension_id, from_name = EXCLUDED.from_name,
       to_phone_number = EXCLUDED.to_phone_number, to_extension_number = EXCLUDED.to_extension_number,
       to_extension_id = EXCLUDED.to_extension_id, to_name = EXCLUDED.to_name,
       last_modified_time = EXCLUDED.last_modified_time, deleted = EXCLUDED.deleted, raw = EXCLUDED.raw, last_synced_at = now()
     WHERE t.raw IS DISTINCT FROM EXCLUDED.raw
       AND coalesce(EXCLUDED.last_modified_time, 'infinity') >= coalesce(t.last_modified_time, '-infinity')`,
    [accountId, JSON.stringify(records)],
  );
  countWritten(accountId, 'call_log', rowCount ?? 0);
  return rowCount ?? 0;
}

/**
 * Messages from the message store, or from message-sync. ISync reports deleted/purged
 * messages as little more than id + availability: those only update the availability
 * of a row we already have (the rest of the row stays as last seen).
 */
export async function upsertMessages(db: PoolClient, accountId: string, extensionId: number, records: unknown[]): Promise<number> {
  if (records.length === 0) return 0;
  const { rowCount } = await db.query(
    `WITH page AS (
       SELECT DISTINCT ON ((r->>'id')::bigint) r FROM jsonb_array_elements($3::jsonb) r
        ORDER BY (r->>'id')::bigint, (r->>'lastModifiedTime')::timestamptz DESC NULLS LAST)
     INSERT INTO ringcentral.message AS t (
       account_id, id, extension_id, type, direction, creation_time, last_modified_time, availability, message_status, read_status, raw)
     SELECT $1, (r->>'id')::bigint, $2, r->>'type', r->>'direction', (r->>'creationTime')::timestamptz,
            (r->>'lastModifiedTime')::timestamptz, r->>'availability', r->>'messageStatus', r->>'readStatus', r
       FROM page
     ON CONFLICT (account_id, id) DO UPDATE SET
       type = coalesce(EXCLUDED.type, t.type), direction = coalesce(EXCLUDED.direction, t.direction),
       creation_time = coalesce(EXCLUDED.creation_time, t.creation_time),
       last_modified_time = coalesce(EXCLUDED.last_modified_time, t.last_modified_time),
       availability = coalesce(EXCLUDED.availability, t.availability),
       message_status = coalesce(EXCLUDED.message_status, t.message_status), read_status = coalesce(EXCLUDED.read_status, t.read_status),
       raw = t.raw || EXCLUDED.raw, last_synced_at = now()
     WHERE t.raw IS DISTINCT FROM t.raw || EXCLUDED.raw
       AND coalesce(EXCLUDED.last_modified_time, 'infinity') >= coalesce(t.last_modified_time, '-infinity')`,
    [accountId, extensionId, JSON.stringify(records)],
  );
  countWritten(accountId, 'messages', rowCount ?? 0);
  return rowCount ?? 0;
}

export async function insertExtensionSnapshot(db: PoolClient, runId: string, accountId: string, records: unknown[]): Promise<number> {
  if (records.length === 0) return 0;
  const { rowCount } = await db.query(
    `INSERT INTO ringcentral.extension_snapshot (
       run_id, account_id, extension_id, extension_number, name, first_name, last_name, email, department, job_title,
       type, sub_type, status, site_id, site_name, hidden, cost_center, creation_time, raw)
     SELECT $1, $2, (r->>'id')::bigint, r->>'extensionNumber', r->>'name', r->'contact'->>'firstName', r->'contact'->>'lastName',
            r->'contact'->>'email', r->'contact'->>'department', r->'contact'->>'jobTitle', r->>'type', r->>'subType', r->>'status',
            r->'site'->>'id', r->'site'->>'name', (r->>'hidden')::boolean, coalesce(r->'costCenter'->>'name', r->>'costCenter'),
            (r->>'creationTime')::timestamptz, r
       FROM jsonb_array_elements($3::jsonb) r
     ON CONFLICT (run_id, extension_id) DO UPDATE SET raw = EXCLUDED.raw, extension_number = EXCLUDED.extension_number,
       name = EXCLUDED.name, first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name, email = EXCLUDED.email,
       department = EXCLUDED.department, job_title = EXCLUDED.job_title, type = EXCLUDED.type, sub_type = EXCLUDED.sub_type,
       status = EXCLUDED.status, site_id = EXCLUDED.site_id, site_name = EXCLUDED.site_name, hidden = EXCLUDED.hidden,
       cost_center = EXCLUDED.cost_center, creation_time = EXCLUDED.creation_time`,
    [runId, accountId, JSON.stringify(records)],
  );
  countWritten(accountId, 'extensions', rowCount ?? 0);
  return rowCount ?? 0;
}

export async function insertDirectorySnapshot(db: PoolClient, runId: string, accountId: string, records: unknown[]): Promise<number> {
  if (records.length === 0) return 0;
  const { rowCount } = await db.query(
    `INSERT INTO ringcentral.directory_entry_snapshot (
       run_id, account_id, entry_id, extension_id, type, status, extension_number, name, first_name, last_name, email,
       department, job_title, site_id, site_name, hidden, phone_numbers, raw)
     SELECT $1, $2, r->>'id', CASE WHEN r->>'id' ~ '^[0-9]{1,18}$' THEN (r->>'id')::bigint END, r->>'type', r->>'status',
            r->>'extensionNumber', r->>'name', r->>'firstName', r->>'lastName', r->>'email', r->>'department', r->>'jobTitle',
            r->'site'->>'id', r->'site'->>'name', (r->>'hidden')::boolean, r->'phoneNumbers', r
       FROM jsonb_array_elements($3::jsonb) r
     ON CONFLICT (run_id, entry_id) DO UPDATE SET raw = EXCLUDED.raw, type = EXCLUDED.type, status = EXCLUDED.status,
       extension_number = EXCLUDED.extension_number, name = EXCLUDED.name, first_name = EXCLUDED.first_name,
       last_name = EXCLUDED.last_name, email = EXCLUDED.email, department = EXCLUDED.department, job_title = EXCLUDED.job_title,
       site_id = EXCLUDED.site_id, site_name = EXCLUDED.site_name, hidden = EXCLUDED.hidden, phone_numbers = EXCLUDED.phone_numbers`,
    [runId, accountId, JSON.stringify(records)],
  );
  countWritten(accountId, 'directory', rowCount ?? 0);
  return rowCount ?? 0;
}
