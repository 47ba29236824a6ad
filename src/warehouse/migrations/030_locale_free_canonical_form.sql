-- The canonical form of tracked attributes (002) must not depend on the database's locale:
-- the same snapshot has to give the same values, hashes and versions in every warehouse.
-- 002 used the regex class \s (which follows LC_CTYPE: under the C locale U+2003 and U+3000 did
-- not collapse, and U+2007, U+202F never did), lower() (LC_CTYPE again) and the jsonb sort
-- order (LC_COLLATE / ICU). The sets are now spelled out, and case and order are by code point.

-- Canonical text: zero-width characters removed (U+200B zero width space, U+2060 word joiner,
-- U+FEFF BOM / zero width no-break space, U+180E Mongolian vowel separator), then every run of
-- Unicode White_Space (U+0009-U+000D, U+0020, U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028,
-- U+2029, U+202F, U+205F, U+3000) collapsed to one space, trimmed, '' -> NULL. ZWJ and ZWNJ
-- (U+200C, U+200D) are kept: they change how emoji and some scripts render.
CREATE OR REPLACE FUNCTION ringcentral.dim_norm_text(value text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT NULLIF(btrim(regexp_replace(
      regexp_replace(value, '[\u200b\u2060\ufeff\u180e]', '', 'g'),
      '[\u0009\u000a\u000b\u000c\u000d\u0020\u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000]+',
      ' ', 'g')), '')
  $$;

-- Canonical email: canonical text, ASCII letters lower-cased (COLLATE "C": the same in every
-- locale; other letters keep their case).
CREATE OR REPLACE FUNCTION ringcentral.dim_norm_email(value text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT lower(ringcentral.dim_norm_text(value) COLLATE "C") $$;

-- Canonical directory phoneNumbers[] as in 002, sorted by the entries' JSON text in code point
-- order (jsonb's own order compares strings with the database collation).
CREATE OR REPLACE FUNCTION ringcentral.dim_norm_phone_numbers(value jsonb) RETURNS jsonb
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT COALESCE(jsonb_agg(p ORDER BY p::text COLLATE "C"), '[]'::jsonb)
    FROM (
      SELECT DISTINCT CASE jsonb_typeof(e)
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

-- Stored versions in the new canonical form, so the next merge sees no change where only the
-- canonical form changed (canonicalising a canonical value again gives the new canonical value).
-- The hash is the merge's (src/warehouse/scd2/attributes.ts rowHashExpression, same column order).
UPDATE ringcentral.dim_extension d
   SET extension_number = n.extension_number, name = n.name, first_name = n.first_name, last_name = n.last_name,
       email = n.email, department = n.department, job_title = n.job_title, type = n.type, sub_type = n.sub_type,
       status = n.status, site_id = n.site_id, site_name = n.site_name, cost_center = n.cost_center,
       phone_numbers = n.phone_numbers, row_hash = n.row_hash
  FROM (
    SELECT c.*, encode(sha256(convert_to(jsonb_build_array(c.extension_number, c.name, c.first_name, c.last_name, c.email,
             c.department, c.job_title, c.type, c.sub_type, c.status, c.site_id, c.site_name, c.hidden, c.cost_center,
             c.phone_numbers)::text, 'UTF8')), 'hex') AS row_hash
    FROM (
      SELECT extension_key, ringcentral.dim_norm_text(extension_number) AS extension_number, ringcentral.dim_norm_text(name) AS name,
             ringcentral.dim_norm_text(first_name) AS first_name, ringcentral.dim_norm_text(last_name) AS last_name,
             ringcentral.dim_norm_email(email) AS email, ringcentral.dim_norm_text(department) AS department,
             ringcentral.dim_norm_text(job_title) AS job_title, ringcentral.dim_norm_text(type) AS type,
             ringcentral.dim_norm_text(sub_type) AS sub_type, ringcentral.dim_norm_text(status) AS status,
             ringcentral.dim_norm_text(site_id) AS site_id, ringcentral.dim_norm_text(site_name) AS site_name, hidden,
             ringcentral.dim_norm_text(cost_center) AS cost_center,
             CASE WHEN phone_numbers IS NOT NULL THEN ringcentral.dim_norm_phone_numbers(phone_numbers) END AS phone_numbers
      FROM ringcentral.dim_extension
    ) c
  ) n
 WHERE d.extension_key = n.extension_key AND d.row_hash <> n.row_hash;
