-- SCD2 extension dimension: one row per version of an extension, keyed on the immutable
-- extension id (extension numbers are recycled). Written only by src/warehouse/scd2/merge.ts;
-- design and query examples in docs/dimension.md. Query objects are in 003_extension_attribution.sql.

-- Canonical text: whitespace runs (incl. NBSP) collapsed to one space, trimmed, '' -> NULL.
CREATE FUNCTION ringcentral.dim_norm_text(value text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT NULLIF(btrim(regexp_replace(value, '[\s\u00a0]+', ' ', 'g')), '') $$;

-- Canonical directory phoneNumbers[]: only the tracked keys of each entry (phoneNumber, type,
-- usageType, label, hidden when true), text canonicalised, duplicates removed, sorted. JSON key
-- order never matters (jsonb). formattedPhoneNumber and unknown keys are presentation: dropped.
-- A missing or non-array value is the empty list.
CREATE FUNCTION ringcentral.dim_norm_phone_numbers(value jsonb) RETURNS jsonb
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT COALESCE(jsonb_agg(DISTINCT p ORDER BY p), '[]'::jsonb)
    FROM (
      SELECT CASE jsonb_typeof(e)
               WHEN 'object' THEN jsonb_strip_nulls(jsonb_build_object(
                 'phoneNumber', ringcentral.dim_norm_text(e ->> 'phoneNumber'),
                 'type', ringcentral.dim_norm_text(e ->> 'type'),
                 'usageType', ringcentral.dim_norm_text(e ->> 'usageType'),
                 'label', ringcentral.dim_norm_text(e ->> 'label'),
                 'hidden', CASE WHEN e -> 'hidden' IN ('true'::jsonb, '"true"'::jsonb) THEN true END))
               WHEN 'string' THEN jsonb_strip_nulls(jsonb_build_object('phoneNumber', ringcentral.dim_norm_text(e #>> '{}')))
             END AS p
      FROM jsonb_array_elements(CASE WHEN jsonb_typeof(value) = 'array' THEN value ELSE '[]'::jsonb END) AS e
    ) entries
    WHERE p IS NOT NULL AND p <> '{}'::jsonb
  $$;

CREATE TABLE ringcentral.dim_extension (
  extension_key     bigserial PRIMARY KEY,          -- surrogate key of this version
  account_id        text NOT NULL,
  extension_id      bigint NOT NULL,                -- natural key: immutable, never reused
  -- Tracked attributes (canonical form; any change opens a new version):
  extension_number  text,
  name              text,
  first_name        text,
  last_name         text,
  email             text,                           -- lower-cased
  department        text,
  job_title         text,
  type              text,
  sub_type          text,
  status            text,
  site_id           text,
  site_name         text,
  hidden            boolean,
  cost_center       text,
  phone_numbers     jsonb,                          -- directory phoneNumbers[], canonical; NULL = not in directory
  -- Untracked, informational:
  creation_time     timestamptz,                    -- extension creationTime as last versioned
  -- SCD2 bookkeeping:
  row_hash          text NOT NULL,                  -- sha256 of the canonical tracked attributes
  valid_from        timestamptz NOT NULL,
  valid_to          timestamptz NOT NULL DEFAULT 'infinity',  -- exclusive; 'infinity' while current
  is_current        boolean NOT NULL DEFAULT true,
  is_deleted        boolean NOT NULL DEFAULT false, -- tombstone: gone from a complete extension list
  attributes_inferred_before_first_snapshot boolean NOT NULL DEFAULT false,
  created_by_run_id text NOT NULL,
  closed_by_run_id  text,
  CONSTRAINT dim_extension_valid_range CHECK (valid_from < valid_to),
  CONSTRAINT dim_extension_current_is_open CHECK (is_current = (valid_to = 'infinity'::timestamptz)),
  CONSTRAINT dim_extension_closed_by CHECK ((closed_by_run_id IS NULL) = is_current)
);

-- Exactly one current version (live or tombstone) per extension: a merge bug fails loudly.
CREATE UNIQUE INDEX dim_extension_one_current ON ringcentral.dim_extension (account_id, extension_id) WHERE is_current;
-- Point-in-time joins by id (call_log_attributed, message_attributed, extension_as_of).
CREATE UNIQUE INDEX dim_extension_id_valid_from ON ringcentral.dim_extension (account_id, extension_id, valid_from);
-- "Who held extension number N at time T" (extension_holder).
CREATE INDEX dim_extension_number_valid_from ON ringcentral.dim_extension (account_id, extension_number, valid_from);

-- No two versions of one extension may overlap in time. Needs btree_gist (in PostgreSQL's
-- contrib, a trusted extension since PG 13). Where it cannot be installed the migration still
-- succeeds without this constraint (NOTICE); the merge's tests then guard the invariant.
DO $$
BEGIN
  BEGIN
    CREATE EXTENSION IF NOT EXISTS btree_gist;
  EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'btree_gist unavailable (%): dim_extension has no overlap exclusion constraint', SQLERRM;
    RETURN;
  END;
  ALTER TABLE ringcentral.dim_extension ADD CONSTRAINT dim_extension_no_overlap
    EXCLUDE USING gist (account_id WITH =, extension_id WITH =, tstzrange(valid_from, valid_to, '[)') WITH &&);
END
$$;

-- One row per merged sync run: makes the merge idempotent and orders snapshots per account.
CREATE TABLE ringcentral.dim_extension_merge (
  run_id                 text PRIMARY KEY,
  account_id             text NOT NULL,
  captured_at            timestamptz NOT NULL,   -- the extension snapshot's capture time
  directory_captured_at  timestamptz,            -- NULL when the run has no directory snapshot
  extensions_complete    boolean NOT NULL,
  directory_complete     boolean NOT NULL,
  inserted               integer NOT NULL,
  closed                 integer NOT NULL,
  deleted                integer NOT NULL,
  unchanged              integer NOT NULL,
  merged_at              timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX dim_extension_merge_account_captured ON ringcentral.dim_extension_merge (account_id, captured_at);

COMMENT ON TABLE ringcentral.dim_extension IS
  'SCD2 extension dimension: one row per version, valid over [valid_from, valid_to). See docs/dimension.md.';
COMMENT ON COLUMN ringcentral.dim_extension.attributes_inferred_before_first_snapshot IS
  'First version backdated to creation_time: its attributes before the first snapshot are assumed, not observed.';
COMMENT ON COLUMN ringcentral.dim_extension.is_deleted IS
  'Tombstone: the extension was missing from a complete extension list; attributes copied from the last version.';
