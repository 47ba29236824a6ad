/**
 * The warehouse contract as a migrated database states it: relations, columns, types,
 * NOT NULL, unique keys, CHECK (col IN (...)) value lists, and the COMMENT ON descriptions
 * the migrations write. Read from the Postgres catalog, so it can never drift from the
 * migrations that built it.
 */
import type { PoolClient } from 'pg';

/** A pool or one client (e.g. inside a transaction). */
export type Queryable = Pick<PoolClient, 'query'>;

export interface CatalogColumn {
  name: string;
  dataType: string;
  notNull: boolean;
  /** The column's comment, or for a view column without one, the comment it inherits. */
  description: string | null;
}

export interface UniqueKey {
  columns: string[];
  /** Partial unique index predicate (e.g. `is_current`), if any. */
  where?: string;
}

export interface CatalogRelation {
  name: string;
  kind: 'table' | 'view';
  description: string | null;
  columns: CatalogColumn[];
  uniqueKeys: UniqueKey[];
  /** column -> the only values a CHECK constraint allows. */
  allowedValues: Record<string, string[]>;
}

export async function readCatalog(pool: Queryable, schema = 'ringcentral'): Promise<CatalogRelation[]> {
  const relations = await pool.query<{ oid: number; name: string; relkind: string; description: string | null }>(
    `SELECT c.oid::int AS oid, c.relname AS name, c.relkind::text AS relkind, obj_description(c.oid, 'pg_class') AS description
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'v', 'm', 'p') ORDER BY c.relname`,
    [schema],
  );
  const columns = await pool.query<{ rel: number; name: string; data_type: string; not_null: boolean; description: string | null }>(
    `SELECT a.attrelid::int AS rel, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS data_type,
            a.attnotnull AS not_null, col_description(a.attrelid, a.attnum) AS description
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attrelid, a.attnum`,
    [schema],
  );
  // Expression indexes are left out: they do not name plain columns.
  const keys = await pool.query<{ rel: number; columns: string[]; predicate: string | null }>(
    `SELECT i.indrelid::int AS rel, pg_get_expr(i.indpred, i.indrelid) AS predicate,
            array(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(attnum, pos)
                    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.pos)::text[] AS columns
       FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND i.indisunique AND i.indexprs IS NULL
      ORDER BY i.indrelid, i.indisprimary DESC, columns`,
    [schema],
  );
  const checks = await pool.query<{ rel: number; definition: string }>(
    `SELECT k.conrelid::int AS rel, pg_get_constraintdef(k.oid) AS definition
       FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace
      WHERE n.nspname = $1 AND k.contype = 'c' ORDER BY k.conrelid, k.conname`,
    [schema],
  );
  // Which table columns each view reads: a view column without its own comment takes theirs.
  const viewUsage = await pool.query<{ view: string; table_name: string; column_name: string }>(
    `SELECT view_name AS view, table_name, column_name FROM information_schema.view_column_usage
      WHERE view_schema = $1 AND table_schema = $1`,
    [schema],
  );

  const nameOf = new Map(relations.rows.map((r) => [r.oid, r.name]));
  const commentOf = new Map(columns.rows.map((c) => [`${nameOf.get(c.rel)}.${c.name}`, c.description]));
  const inherited = (view: string, column: string): string | null => {
    const found = new Set(
      viewUsage.rows.filter((u) => u.view === view && u.column_name === column).map((u) => commentOf.get(`${u.table_name}.${column}`) ?? null),
    );
    // Two sources that disagree (or one without a comment) leave the choice to a person.
    return found.size === 1 ? [...found][0] : null;
  };

  return relations.rows.map((r) => {
    const kind = r.relkind === 'v' || r.relkind === 'm' ? 'view' : 'table';
    const allowedValues: Record<string, string[]> = {};
    for (const c of checks.rows.filter((c) => c.rel === r.oid)) {
      const parsed = parseInCheck(c.definition);
      if (parsed) allowedValues[parsed.column] = parsed.values;
    }
    return {
      name: r.name,
      kind,
      description: r.description,
      columns: columns.rows
        .filter((c) => c.rel === r.oid)
        .map((c) => ({
          name: c.name,
          dataType: c.data_type,
          notNull: c.not_null,
          description: c.description ?? (kind === 'view' ? inherited(r.name, c.name) : null),
        })),
      uniqueKeys: keys.rows.filter((k) => k.rel === r.oid).map((k) => (k.predicate ? { columns: k.columns, where: k.predicate } : { columns: k.columns })),
      allowedValues,
    };
  });
}

/**
 * `CHECK ((kind = ANY (ARRAY['sync'::text, 'backfill'::text])))` -> kind, [sync, backfill];
 * a one-value list comes back from Postgres as `CHECK ((kind = 'sync'::text))`. Other CHECKs: undefined.
 */
export function parseInCheck(definition: string): { column: string; values: string[] } | undefined {
  const literal = String.raw`'(?:[^']|'')*'::\w+`;
  const list = new RegExp(String.raw`^CHECK \(\((\w+) = ANY \(\(?ARRAY\[(${literal}(?:, ${literal})*)\](?:\)::\w+\[\])?\)\)\)$`).exec(definition);
  const single = new RegExp(String.raw`^CHECK \(\((\w+) = (${literal})\)\)$`).exec(definition);
  const m = list ?? single;
  if (!m) return undefined;
  const values = [...m[2].matchAll(/'((?:[^']|'')*)'::\w+/g)].map((v) => v[1].replace(/''/g, "'"));
  return { column: m[1], values };
}
