-- What users query on top of ringcentral.dim_extension (002). Examples: docs/dimension.md.
-- Point-in-time rule everywhere: version v is in force at t when v.valid_from <= t < v.valid_to.

-- The extensions that exist now: current versions that are not tombstones.
CREATE VIEW ringcentral.dim_extension_current AS
  SELECT * FROM ringcentral.dim_extension WHERE is_current AND NOT is_deleted;

-- The versions in force at `at`: the account's extension list as it stood then.
-- Tombstones (extensions already deleted at `at`) only with include_deleted => true.
CREATE FUNCTION ringcentral.extension_as_of(account_id text, at timestamptz, include_deleted boolean DEFAULT false)
  RETURNS SETOF ringcentral.dim_extension
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$
    SELECT d.* FROM ringcentral.dim_extension d
    WHERE d.account_id = extension_as_of.account_id
      AND d.valid_from <= extension_as_of.at AND extension_as_of.at < d.valid_to
      AND (extension_as_of.include_deleted OR NOT d.is_deleted)
    ORDER BY d.extension_id
  $$;

-- Who held extension number N at time T (numbers are recycled; ids are not). A deleted
-- extension holds no number. Normally 0 or 1 row; more only if two versions claim the number
-- at T (e.g. a new extension's backdated first version overlaps the last version of the
-- extension it replaced, whose deletion was only seen at the next snapshot). The most recent
-- claim (latest valid_from) comes first, so LIMIT 1 picks it.
CREATE FUNCTION ringcentral.extension_holder(account_id text, extension_number text, at timestamptz)
  RETURNS SETOF ringcentral.dim_extension
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$
    SELECT d.* FROM ringcentral.dim_extension d
    WHERE d.account_id = extension_holder.account_id
      AND d.extension_number = ringcentral.dim_norm_text(extension_holder.extension_number)
      AND d.valid_from <= extension_holder.at AND extension_holder.at < d.valid_to
      AND NOT d.is_deleted
    ORDER BY d.valid_from DESC, d.extension_id
  $$;

-- Every call-log record (none dropped: LEFT JOINs) with the version of its owner extension in
-- force at start_time, and of the from/to parties where they are extensions of the account.
-- Unknown extension or a time before its first version -> NULL attributes. A call after a
-- tombstone's valid_from is attributed to the tombstone (last known attributes, *_is_deleted).
CREATE VIEW ringcentral.call_log_attributed AS
  SELECT c.*,
         o.extension_key    AS owner_extension_key,
         o.extension_number AS owner_extension_number,
         o.name             AS owner_name,
         o.email            AS owner_email,
         o.department       AS owner_department,
         o.job_title        AS owner_job_title,
         o.type             AS owner_type,
         o.status           AS owner_status,
         o.site_id          AS owner_site_id,
         o.site_name        AS owner_site_name,
         o.cost_center      AS owner_cost_center,
         o.is_deleted       AS owner_is_deleted,
         o.attributes_inferred_before_first_snapshot AS owner_attributes_inferred,
         f.extension_key    AS from_ext_key,
         f.extension_number AS from_ext_number,
         f.name             AS from_ext_name,
         f.department       AS from_ext_department,
         f.site_name        AS from_ext_site_name,
         f.is_deleted       AS from_ext_is_deleted,
         t.extension_key    AS to_ext_key,
         t.extension_number AS to_ext_number,
         t.name             AS to_ext_name,
         t.department       AS to_ext_department,
         t.site_name        AS to_ext_site_name,
         t.is_deleted       AS to_ext_is_deleted
  FROM ringcentral.call_log_record c
  LEFT JOIN ringcentral.dim_extension o
    ON o.account_id = c.account_id AND o.extension_id = c.extension_id
   AND o.valid_from <= c.start_time AND c.start_time < o.valid_to
  LEFT JOIN ringcentral.dim_extension f
    ON f.account_id = c.account_id AND f.extension_id = c.from_extension_id
   AND f.valid_from <= c.start_time AND c.start_time < f.valid_to
  LEFT JOIN ringcentral.dim_extension t
    ON t.account_id = c.account_id AND t.extension_id = c.to_extension_id
   AND t.valid_from <= c.start_time AND c.start_time < t.valid_to;

-- Every message with the version of its mailbox extension in force at creation_time.
CREATE VIEW ringcentral.message_attributed AS
  SELECT m.*,
         o.extension_key    AS owner_extension_key,
         o.extension_number AS owner_extension_number,
         o.name             AS owner_name,
         o.email            AS owner_email,
         o.department       AS owner_department,
         o.job_title        AS owner_job_title,
         o.type             AS owner_type,
         o.status           AS owner_status,
         o.site_id          AS owner_site_id,
         o.site_name        AS owner_site_name,
         o.cost_center      AS owner_cost_center,
         o.is_deleted       AS owner_is_deleted,
         o.attributes_inferred_before_first_snapshot AS owner_attributes_inferred
  FROM ringcentral.message m
  LEFT JOIN ringcentral.dim_extension o
    ON o.account_id = m.account_id AND o.extension_id = m.extension_id
   AND o.valid_from <= m.creation_time AND m.creation_time < o.valid_to;
