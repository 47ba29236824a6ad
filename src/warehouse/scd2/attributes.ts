/**
 * The tracked attributes of ringcentral.dim_extension: where each comes from, how it is
 * canonicalised, and the SQL that derives it from one sync run's two snapshots.
 * A change in any of these (after canonicalisation) opens a new version; nothing else does.
 * docs/dimension.md explains the choices.
 */

/**
 * - `extension`: only the extension list has it.
 * - `both`: extension list and company directory both carry it; the extension list wins
 *   whenever it has a value (it is the system of record: the directory folds several types
 *   into `User` and lists only some statuses); the directory only fills its NULLs.
 * - `directory`: only the company directory has it.
 */
export type AttributeSource = 'extension' | 'both' | 'directory';

/** text: whitespace collapsed and trimmed, '' -> NULL; email: text + ASCII lower-case; phones: see dim_norm_phone_numbers (migration 030). */
export type Canonical = 'text' | 'email' | 'boolean' | 'phones';

export interface TrackedAttribute {
  column: string;
  source: AttributeSource;
  canonical: Canonical;
}

export const TRACKED_ATTRIBUTES: readonly TrackedAttribute[] = [
  { column: 'extension_number', source: 'both', canonical: 'text' },
  { column: 'name', source: 'both', canonical: 'text' },
  { column: 'first_name', source: 'both', canonical: 'text' },
  { column: 'last_name', source: 'both', canonical: 'text' },
  { column: 'email', source: 'both', canonical: 'email' },
  { column: 'department', source: 'both', canonical: 'text' },
  { column: 'job_title', source: 'both', canonical: 'text' },
  { column: 'type', source: 'both', canonical: 'text' },
  { column: 'sub_type', source: 'extension', canonical: 'text' },
  { column: 'status', source: 'both', canonical: 'text' },
  { column: 'site_id', source: 'both', canonical: 'text' },
  { column: 'site_name', source: 'both', canonical: 'text' },
  { column: 'hidden', source: 'both', canonical: 'boolean' },
  { column: 'cost_center', source: 'extension', canonical: 'text' },
  { column: 'phone_numbers', source: 'directory', canonical: 'phones' },
];

export const TRACKED_COLUMNS: readonly string[] = TRACKED_ATTRIBUTES.map((a) => a.column);

function canonical(kind: Canonical, expr: string): string {
  switch (kind) {
    case 'text':
      return `ringcentral.dim_norm_text(${expr})`;
    case 'email':
      return `ringcentral.dim_norm_email(${expr})`;
    case 'boolean':
      return expr;
    case 'phones':
      return `ringcentral.dim_norm_phone_numbers(${expr})`;
  }
}

/**
 * SQL deriving one attribute from `e` (extension_snapshot row), `d` (its directory entry in the
 * same run, or NULLs) and `p` (the extension's current dim_extension version, or NULLs).
 * `directoryComplete` is a boolean SQL expression. The directory side of an attribute is the
 * entry's value; without an entry it is NULL when the directory snapshot is complete (the
 * extension really is not listed) and the previous version's value when it is not (an
 * incomplete directory proves nothing, so directory-fed attributes keep their last value).
 */
export function attributeExpression(attr: TrackedAttribute, directoryComplete: string): string {
  const fromExtension = canonical(attr.canonical, `e.${attr.column}`);
  const fromDirectory =
    `CASE WHEN d.entry_id IS NOT NULL THEN ${canonical(attr.canonical, `d.${attr.column}`)} ` +
    `WHEN NOT (${directoryComplete}) THEN p.${attr.column} END`;
  switch (attr.source) {
    case 'extension':
      return fromExtension;
    case 'both':
      return `COALESCE(${fromExtension}, ${fromDirectory})`;
    case 'directory':
      return fromDirectory;
  }
}

/**
 * Change-detection hash: sha256 over a JSON array of the canonical tracked attributes in a
 * fixed order. Null-safe (NULL is JSON null, distinct from every value) and unambiguous
 * (no separator collisions); jsonb text output is deterministic (object keys sorted).
 */
export function rowHashExpression(alias: string): string {
  const values = TRACKED_COLUMNS.map((c) => `${alias}.${c}`).join(', ');
  return `encode(sha256(convert_to(jsonb_build_array(${values})::text, 'UTF8')), 'hex')`;
}
