/**
 * dbt/models/sources.yml stays in step with the migrations: it is exactly what the catalog
 * of a freshly migrated warehouse generates, and a schema change shows up in it.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SOURCES_FILE } from '../../scripts/dbt-sources';
import { parseInCheck, readCatalog } from '../../scripts/dbt-sources/catalog';
import { missingDescriptions, renderSources } from '../../scripts/dbt-sources/render';
import { testDatabase } from '../support/stack';

describe('dbt sources.yml', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  beforeAll(async () => {
    db = await testDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** Runs `body` in a transaction that is rolled back: the shared test database stays as migrated. */
  const rolledBack = async <T>(body: (client: import('pg').PoolClient) => Promise<T>): Promise<T> => {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      return await body(client);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  };

  it('is what the migrations generate (else: npm run -s dbt:sources)', async () => {
    const generated = renderSources(await readCatalog(db.pool));
    expect(generated === readFileSync(SOURCES_FILE, 'utf8'), 'dbt/models/sources.yml is stale: run `npm run -s dbt:sources`').toBe(true);
  });

  it('describes every table, view and column of the warehouse', async () => {
    const catalog = await readCatalog(db.pool);
    expect(missingDescriptions(catalog)).toEqual([]);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'ringcentral' AND c.relkind IN ('r', 'v')`);
    const tables = parse(readFileSync(SOURCES_FILE, 'utf8')).sources[0].tables;
    expect(tables).toHaveLength(rows[0].n);
    for (const t of tables) for (const c of t.columns) expect(c.description, `${t.name}.${c.name}`).not.toBe('');
  });

  it('changes when a migration adds a column, and wants a description for it', async () => {
    const committed = readFileSync(SOURCES_FILE, 'utf8');
    await rolledBack(async (client) => {
      await client.query(`ALTER TABLE ringcentral.message ADD COLUMN subject text NOT NULL DEFAULT ''`);
      const catalog = await readCatalog(client);
      expect(missingDescriptions(catalog)).toEqual(['message.subject']);
      expect(renderSources(catalog)).not.toBe(committed);
      await client.query(`COMMENT ON COLUMN ringcentral.message.subject IS 'Message subject.'`);
      const message = parse(renderSources(await readCatalog(client))).sources[0].tables.find((t: { name: string }) => t.name === 'message');
      expect(message.columns.find((c: { name: string }) => c.name === 'subject')).toEqual({
        name: 'subject',
        description: 'Message subject.',
        data_type: 'text',
        data_tests: ['not_null'],
      });
    });
  });

  it('lets a view column inherit a description only when its sources agree on one', async () => {
    await rolledBack(async (client) => {
      // extension_id is in both tables with different meanings; start_time only in one.
      await client.query(`CREATE VIEW ringcentral.probe AS SELECT c.extension_id, c.start_time FROM ringcentral.call_log_record c JOIN ringcentral.dim_extension d ON d.extension_id = c.extension_id`);
      await client.query(`COMMENT ON VIEW ringcentral.probe IS 'probe'`);
      const probe = (await readCatalog(client)).find((r) => r.name === 'probe')!;
      expect(probe.kind).toBe('view');
      expect(probe.columns.map((c) => [c.name, c.description])).toEqual([
        ['extension_id', null],
        ['start_time', 'When the call started (UTC).'],
      ]);
    });
  });

  it('reads the allowed values back from any CHECK (col IN (...)) constraint', async () => {
    const value = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !s.includes('\0'));
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(value, { minLength: 1, maxLength: 6 }), async (values) => {
        const definition = await rolledBack(async (client) => {
          const list = values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ');
          await client.query(`CREATE TABLE ringcentral.probe (kind text CHECK (kind IN (${list})))`);
          const { rows } = await client.query(`SELECT pg_get_constraintdef(oid) AS d FROM pg_constraint WHERE conrelid = 'ringcentral.probe'::regclass`);
          return rows[0].d as string;
        });
        expect(parseInCheck(definition)).toEqual({ column: 'kind', values });
      }),
      { numRuns: 40 },
    );
  });
});
