/**
 * The statements of the extension-dimension merge, in the order merge.ts runs them inside one
 * transaction (dbt-snapshot style: stage -> close changed -> close vanished + tombstones ->
 * backdate new extensions -> insert new versions -> record). All set-based: every step is a
 * join or anti-join of the staged snapshot against the account's current versions (index on
 * is_current), so a merge costs O(extensions in the snapshot + current versions), never a scan
 * per row. The backdate steps only look at new extensions: one anti-join per unmerged complete
 * snapshot since the last merged one, and one index probe each for the number clip.
 *
 * Parameters: $1 account_id, $2 run_id, $3 captured_at (the extension snapshot's capture
 * time, passed back as ISO text so microseconds survive); FILL_STAGE: $3 is instead whether
 * the run's directory snapshot is complete; BACKDATE_FLOORS, CLIP_BACKDATED: $1 account_id,
 * $2 captured_at; BACKDATE_NEW, BACKDATE_UNMERGED: see there.
 */
import { attributeExpression, rowHashExpression, TRACKED_ATTRIBUTES, TRACKED_COLUMNS } from './attributes';

const cols = TRACKED_COLUMNS.join(', ');
const prefixed = (alias: string) => TRACKED_COLUMNS.map((c) => `${alias}.${c}`).join(', ');

/** lock: one merge per account at a time (released at COMMIT/ROLLBACK). */
export const LOCK = `SELECT pg_advisory_xact_lock(hashtext('dim_extension:' || $1::text))`;

/** already_merged: the run's recorded merge, if any (idempotency). */
export const ALREADY_MERGED = `
  SELECT account_id, inserted, closed, deleted, unchanged
  FROM ringcentral.dim_extension_merge WHERE run_id = $1`;

/** snapshots: the run's extension and directory snapshots, times as exact ISO text. */
export const SNAPSHOTS = `
  SELECT stream, account_id, to_json(captured_at) #>> '{}' AS captured_at, completed_at IS NOT NULL AS complete
  FROM ringcentral.snapshot WHERE run_id = $1`;

/** last_merged: the newest snapshot already merged for the account (snapshots merge in time order). */
export const LAST_MERGED = `
  SELECT run_id, to_json(captured_at) #>> '{}' AS captured_at, captured_at >= $2::timestamptz AS not_older
  FROM ringcentral.dim_extension_merge WHERE account_id = $1
  ORDER BY captured_at DESC LIMIT 1`;

/**
 * stage (1/2): an empty temp table shaped like the staged rows, gone at COMMIT or ROLLBACK.
 * And the plan setting: a run's snapshot rows are always freshly written, so their statistics
 * are stale and the planner expects ~1 row per run; it then nests loops over the two snapshots
 * (quadratic: 80k extensions took minutes). Hash joins are linear whatever the estimates, so
 * nested loops are off for the rest of this transaction. (No parameters: sent as one simple query.)
 */
export const CREATE_STAGE = `
  SET LOCAL enable_nestloop = off;
  CREATE TEMP TABLE dim_extension_stage ON COMMIT DROP AS
  SELECT extension_id, creation_time, extension_key AS current_key, ${cols}, row_hash, valid_from
  FROM ringcentral.dim_extension WITH NO DATA`;

/**
 * stage (2/2): the run's extension list joined to its directory entries (entry_id = extension
 * id) and to each extension's current version (for directory fallbacks and first-version
 * detection), canonicalised and hashed. Directory-only entries are not extensions of this
 * list (federated or external contacts) and are ignored.
 */
export const FILL_STAGE = `
  INSERT INTO dim_extension_stage (extension_id, creation_time, current_key, ${cols}, row_hash)
  SELECT j.extension_id, j.creation_time, j.current_key, ${prefixed('j')}, ${rowHashExpression('j')}
  FROM (
    SELECT e.extension_id, e.creation_time, p.extension_key AS current_key,
           ${TRACKED_ATTRIBUTES.map((a) => `${attributeExpression(a, '$3::boolean')} AS ${a.column}`).join(',\n           ')}
    FROM ringcentral.extension_snapshot e
    LEFT JOIN ringcentral.directory_entry_snapshot d
      ON d.run_id = e.run_id AND d.account_id = e.account_id AND d.entry_id = e.extension_id::text
    LEFT JOIN ringcentral.dim_extension p
      ON p.account_id = e.account_id AND p.extension_id = e.extension_id AND p.is_current
    WHERE e.run_id = $2 AND e.account_id = $1
  ) j`;

export const ANALYZE_STAGE = `ANALYZE dim_extension_stage`;

/** close_changed: end the current version of every listed extension whose attributes changed, or that returns after a tombstone. */
export const CLOSE_CHANGED = `
  UPDATE ringcentral.dim_extension d
     SET valid_to = $3::timestamptz, is_current = false, closed_by_run_id = $2
    FROM dim_extension_stage s
   WHERE d.account_id = $1 AND d.is_current AND d.extension_id = s.extension_id
     AND (d.is_deleted OR d.row_hash <> s.row_hash)`;

/**
 * close_vanished + tombstones (complete extension snapshots only): end the current live
 * version of every extension missing from the list, and open a tombstone from the capture
 * time with the last version's attributes.
 */
export const CLOSE_VANISHED = `
  WITH vanished AS (
    UPDATE ringcentral.dim_extension d
       SET valid_to = $3::timestamptz, is_current = false, closed_by_run_id = $2
     WHERE d.account_id = $1 AND d.is_current AND NOT d.is_deleted
       AND NOT EXISTS (SELECT 1 FROM dim_extension_stage s WHERE s.extension_id = d.extension_id)
    RETURNING d.*
  )
  INSERT INTO ringcentral.dim_extension
    (account_id, extension_id, ${cols}, creation_time, row_hash, valid_from, is_deleted, created_by_run_id)
  SELECT v.account_id, v.extension_id, ${prefixed('v')}, v.creation_time, v.row_hash, $3::timestamptz, true, $2
  FROM vanished v`;

/**
 * backdate (1/3): the complete extension snapshots before this one that new extensions may
 * not be backdated across. The newest merged complete one (from the merge log, which outlives
 * snapshot retention) lacked every new extension, so it alone bounds them all; complete
 * snapshots that were never merged (a backfill's, a failed sync's) may list some new
 * extensions, so those newer than it are returned to be checked per extension. An empty one
 * is an upstream fault the merge refuses, not evidence.
 */
export const BACKDATE_FLOORS = `
  WITH merged AS (
    SELECT max(m.captured_at) AS captured_at FROM ringcentral.dim_extension_merge m
     WHERE m.account_id = $1 AND m.extensions_complete AND m.captured_at < $2::timestamptz
  )
  SELECT to_json(merged.captured_at) #>> '{}' AS merged_floor,
         COALESCE((SELECT json_agg(json_build_object('runId', sn.run_id, 'capturedAt', to_json(sn.captured_at) #>> '{}'))
                 FROM ringcentral.snapshot sn
                WHERE sn.account_id = $1 AND sn.stream = 'extensions' AND sn.completed_at IS NOT NULL AND sn.records > 0
                  AND sn.captured_at < $2::timestamptz AND sn.captured_at > COALESCE(merged.captured_at, '-infinity')
                  AND NOT EXISTS (SELECT 1 FROM ringcentral.dim_extension_merge m WHERE m.run_id = sn.run_id)), '[]') AS unmerged
  FROM merged`;

/**
 * backdate (2/3): where a new extension's first version may start. Its creation_time, when
 * known and earlier than the capture time, but never at or before the newest earlier complete
 * snapshot that did not list it: that list was observed, and saying the extension existed then
 * would contradict it. "Just after" is one microsecond, the timestamptz resolution.
 * BACKDATE_NEW applies the merged floor ($2; $1 the capture time); BACKDATE_UNMERGED then each
 * unmerged complete snapshot ($2 its run, $3 its capture time) to the new extensions it lacks
 * (an anti-join with one run's rows, found by primary key).
 */
export const BACKDATE_NEW = `
  UPDATE dim_extension_stage s
     SET valid_from = greatest(s.creation_time, $2::timestamptz + interval '1 microsecond')
   WHERE s.current_key IS NULL AND s.creation_time < $1::timestamptz`;

export const BACKDATE_UNMERGED = `
  UPDATE dim_extension_stage s
     SET valid_from = greatest(s.valid_from, $3::timestamptz + interval '1 microsecond')
   WHERE s.current_key IS NULL AND s.creation_time < $1::timestamptz
     AND NOT EXISTS (SELECT 1 FROM ringcentral.extension_snapshot x WHERE x.run_id = $2 AND x.extension_id = s.extension_id)`;

/**
 * backdate (3/3): an inferred period never gives a number a second holder. It is clipped to
 * start after every live version of another extension with the same number that it would
 * overlap, and dropped (start = capture time) when another listed extension has the number
 * too: the snapshot shows both holders only from its capture time on. Tombstones hold no number.
 */
export const CLIP_BACKDATED = `
  UPDATE dim_extension_stage s
     SET valid_from = CASE
           WHEN s.extension_number = ANY (SELECT o.extension_number FROM dim_extension_stage o
                                           GROUP BY o.extension_number HAVING count(*) > 1)
             THEN $2::timestamptz
           ELSE least($2::timestamptz, greatest(s.valid_from, (
             SELECT max(least(d.valid_to, $2::timestamptz)) FROM ringcentral.dim_extension d
              WHERE d.account_id = $1 AND d.extension_number = s.extension_number AND d.extension_id <> s.extension_id
                AND NOT d.is_deleted AND d.valid_from < $2::timestamptz AND d.valid_to > s.valid_from)))
         END
   WHERE s.valid_from < $2::timestamptz AND s.extension_number IS NOT NULL`;

/**
 * insert_versions: a new current version for every listed extension left without one: new
 * extensions, changed ones (closed above) and returning ones. A first-ever version starts where
 * the backdate steps put it (flagged as inferred before the first snapshot when that is before
 * the capture time), every other version at the capture time.
 */
export const INSERT_VERSIONS = `
  INSERT INTO ringcentral.dim_extension
    (account_id, extension_id, ${cols}, creation_time, row_hash, valid_from,
     attributes_inferred_before_first_snapshot, created_by_run_id)
  SELECT $1, s.extension_id, ${prefixed('s')}, s.creation_time, s.row_hash,
         COALESCE(s.valid_from, $3::timestamptz), COALESCE(s.valid_from < $3::timestamptz, false), $2
  FROM dim_extension_stage s
  WHERE NOT EXISTS (
    SELECT 1 FROM ringcentral.dim_extension d
    WHERE d.account_id = $1 AND d.extension_id = s.extension_id AND d.is_current)`;

/** record: remember the merge (idempotency, snapshot ordering, counts for operators). */
export const RECORD = `
  INSERT INTO ringcentral.dim_extension_merge
    (run_id, account_id, captured_at, directory_captured_at, extensions_complete, directory_complete,
     inserted, closed, deleted, unchanged)
  VALUES ($2, $1, $3::timestamptz, $4::timestamptz, $5, $6, $7, $8, $9, $10)`;
