/** What the demo prints at the end: read straight from the warehouse. */
import type { Pool } from '../warehouse/db';

export interface RecycledExample {
  extensionNumber: string;
  before: { at: string; extensionId: number | null; calls: number };
  after: { at: string; extensionId: number | null; calls: number };
}

export interface WarehouseSummary {
  tables: Record<string, number>;
  dimension: { versions: number; extensions: number; current: number; deleted: number; inferred: number };
  syncRuns: Record<string, number>;
  recycled?: RecycledExample;
}

const TABLES = ['call_log_record', 'message', 'extension_snapshot', 'directory_entry_snapshot', 'dim_extension', 'sync_run', 'checkpoint'];

export async function warehouseSummary(
  pool: Pool,
  accountId: string,
  recycled?: { number: string; oldId: number; newId: number; at: string },
): Promise<WarehouseSummary> {
  const tables: Record<string, number> = {};
  for (const t of TABLES) {
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM ringcentral.${t} WHERE account_id = $1`, [accountId]);
    tables[t] = rows[0].n;
  }
  const dim = await pool.query(
    `SELECT count(*)::int AS versions, count(DISTINCT extension_id)::int AS extensions,
            count(*) FILTER (WHERE is_current AND NOT is_deleted)::int AS current,
            count(*) FILTER (WHERE is_deleted)::int AS deleted,
            count(*) FILTER (WHERE attributes_inferred_before_first_snapshot)::int AS inferred
       FROM ringcentral.dim_extension WHERE account_id = $1`,
    [accountId],
  );
  const runs = await pool.query(`SELECT kind || ':' || status AS k, count(*)::int AS n FROM ringcentral.sync_run WHERE account_id = $1 GROUP BY 1`, [accountId]);
  const summary: WarehouseSummary = { tables, dimension: dim.rows[0], syncRuns: Object.fromEntries(runs.rows.map((r) => [r.k, r.n])) };
  if (recycled) summary.recycled = await recycledExample(pool, accountId, recycled);
  return summary;
}

/** Calls owned by the holders of a recycled number, one side of the reassignment each, attributed through the dimension. */
async function recycledExample(pool: Pool, accountId: string, r: { number: string; oldId: number; newId: number; at: string }): Promise<RecycledExample> {
  const side = async (extensionId: number, before: boolean) => {
    const { rows } = await pool.query(
      `SELECT max(start_time) AS last, min(start_time) AS first, count(*)::int AS calls
         FROM ringcentral.call_log_attributed
        WHERE account_id = $1 AND owner_extension_number = $2 AND extension_id = $3 AND ($4 = (start_time < $5::timestamptz))`,
      [accountId, r.number, extensionId, before, r.at],
    );
    const at: Date | null = before ? rows[0].last : rows[0].first;
    const holder = at
      ? (await pool.query(`SELECT extension_id FROM ringcentral.extension_holder($1, $2, $3) LIMIT 1`, [accountId, r.number, at])).rows[0]?.extension_id ?? null
      : null;
    return { at: at ? at.toISOString() : '', extensionId: holder, calls: rows[0].calls };
  };
  return { extensionNumber: r.number, before: await side(r.oldId, true), after: await side(r.newId, false) };
}

export function formatSummary(s: WarehouseSummary, uiUrl?: string): string {
  const lines = ['', 'Warehouse (schema ringcentral):'];
  for (const [t, n] of Object.entries(s.tables)) lines.push(`  ${t.padEnd(26)} ${n}`);
  const d = s.dimension;
  lines.push(`SCD2 dim_extension: ${d.versions} versions of ${d.extensions} extensions (${d.current} current, ${d.deleted} tombstones, ${d.inferred} first versions backdated to creationTime)`);
  lines.push(`Sync runs: ${Object.entries(s.syncRuns).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  if (s.recycled) {
    const r = s.recycled;
    lines.push(`Recycled extension number ${r.extensionNumber}:`);
    lines.push(`  ${r.before.calls} calls before the reassignment -> extension id ${r.before.extensionId} (holder at ${r.before.at || 'n/a'})`);
    lines.push(`  ${r.after.calls} calls after it                -> extension id ${r.after.extensionId} (holder at ${r.after.at || 'n/a'})`);
    lines.push(`  Try: SELECT * FROM ringcentral.extension_holder('demo', '${r.extensionNumber}', now());`);
  }
  if (uiUrl) lines.push(`Temporal UI: ${uiUrl}`);
  return lines.join('\n');
}
