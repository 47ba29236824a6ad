-- Repairs first versions backdated by the merge before issue 9 (see docs/dimension.md,
-- "First version backdating"): an inferred period now starts after the newest earlier complete
-- merged snapshot (which did not list the extension), and after every live version of another
-- extension holding the same number that it would overlap; if nothing is left of it, the
-- version starts at its first capture time and is no longer flagged as inferred. Validity only
-- shrinks, so no constraint can be violated; attributes are untouched.
UPDATE ringcentral.dim_extension v
   SET valid_from = r.new_from,
       attributes_inferred_before_first_snapshot = r.new_from < r.captured_at
  FROM (
    SELECT c.extension_key, c.captured_at,
           least(c.captured_at, greatest(c.floor_from, (
             SELECT max(least(d.valid_to, c.captured_at)) FROM ringcentral.dim_extension d
              WHERE d.account_id = c.account_id AND d.extension_number = c.extension_number
                AND d.extension_id <> c.extension_id AND NOT d.is_deleted
                AND d.valid_from < c.captured_at AND d.valid_to > c.floor_from))) AS new_from
    FROM (
      SELECT i.extension_key, i.account_id, i.extension_id, i.extension_number, m.captured_at,
             greatest(i.valid_from, (
               SELECT max(p.captured_at) FROM ringcentral.dim_extension_merge p
                WHERE p.account_id = i.account_id AND p.extensions_complete AND p.captured_at < m.captured_at
             ) + interval '1 microsecond') AS floor_from
      FROM ringcentral.dim_extension i
      JOIN ringcentral.dim_extension_merge m ON m.run_id = i.created_by_run_id
      WHERE i.attributes_inferred_before_first_snapshot
    ) c
  ) r
 WHERE v.extension_key = r.extension_key AND r.new_from <> v.valid_from;
