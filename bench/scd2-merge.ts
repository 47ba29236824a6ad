/**
 * SCD2 merge speed at 10k and 100k extensions: an initial load, then a typical next
 * snapshot (5% changed, 1% gone, 1% new), each one mergeExtensionDimension call.
 */
import type { Pool } from '../src/warehouse/db';
import { mergeExtensionDimension } from '../src/warehouse/scd2';

async function writeSnapshot(pool: Pool, account: string, runId: string, capturedAt: string, n: number, generation: number) {
  await pool.query(`INSERT INTO ringcentral.snapshot (run_id, account_id, stream, captured_at, completed_at, pages, records) VALUES
    ($1, $2, 'extensions', $3, $3, 1, $4), ($1, $2, 'directory', $3, $3, 1, $4)`, [runId, account, capturedAt, n]);
  // Generation g: ids 1..n, minus every 100th (+g) gone, plus new ids; every 20th renamed per generation.
  const ids = `SELECT i AS id FROM generate_series(1, $3::int + $4::int * ($3::int / 100)) i WHERE $4 = 0 OR (i + $4) % 100 <> 0`;
  await pool.query(
    `INSERT INTO ringcentral.extension_snapshot (run_id, account_id, extension_id, extension_number, name, first_name, last_name, email, department, type, status, site_id, site_name, hidden, raw)
     SELECT $1, $2, id, (1000 + id)::text, 'Person ' || id || CASE WHEN id % 20 = 0 THEN ' v' || $4 ELSE '' END, 'P', 'N' || id, 'p' || id || '@example.com',
            'Dept ' || (id % 17), 'User', 'Enabled', (id % 5)::text, 'Site ' || (id % 5), false, '{}'::jsonb
       FROM (${ids}) ids`,
    [runId, account, n, generation],
  );
  await pool.query(
    `INSERT INTO ringcentral.directory_entry_snapshot (run_id, account_id, entry_id, extension_id, type, status, extension_number, name, email, site_id, site_name, phone_numbers, raw)
     SELECT $1, $2, id::text, id, 'User', 'Enabled', (1000 + id)::text, 'Person ' || id, 'p' || id || '@example.com', (id % 5)::text, 'Site ' || (id % 5),
            jsonb_build_array(jsonb_build_object('phoneNumber', '+1555' || lpad(id::text, 7, '0'), 'type', 'VoiceFax')), '{}'::jsonb
       FROM (${ids}) ids`,
    [runId, account, n, generation],
  );
}

export async function benchScd2Merge(pool: Pool, sizes: number[]): Promise<string[]> {
  const lines = ['| extensions | first merge (all new) | next merge (5% changed, 1% gone, 1% new) | versions after |', '|---:|---:|---:|---:|'];
  for (const n of sizes) {
    const account = `bench-${n}`;
    const times: number[] = [];
    for (const generation of [0, 1]) {
      const runId = `${account}-run-${generation}`;
      await writeSnapshot(pool, account, runId, new Date(Date.UTC(2026, 0, 1 + generation)).toISOString(), n, generation);
      const started = process.hrtime.bigint();
      await mergeExtensionDimension(pool, { accountId: account, runId });
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM ringcentral.dim_extension WHERE account_id = $1', [account]);
    lines.push(`| ${n.toLocaleString('en-US')} | ${times[0].toFixed(0)} ms | ${times[1].toFixed(0)} ms | ${rows[0].n.toLocaleString('en-US')} |`);
  }
  return lines;
}
