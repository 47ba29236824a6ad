/**
 * Regenerates dbt/models/sources.yml from the catalog of a freshly migrated scratch
 * database (on DATABASE_URL's server if set, else a private Postgres), or with --check
 * says whether the committed file is current. Run after adding a migration:
 *   npm run -s dbt:sources
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startPrivatePostgres } from '../src/infra/private-postgres';
import { createPool } from '../src/warehouse/db';
import { migrate } from '../src/warehouse/migrate';
import { readCatalog, type CatalogRelation } from './dbt-sources/catalog';
import { missingDescriptions, renderSources } from './dbt-sources/render';

export const SOURCES_FILE = path.join(__dirname, '..', 'dbt', 'models', 'sources.yml');

/** The catalog of a new database with every migration applied; the database is dropped after. */
async function migratedCatalog(serverUrl: string): Promise<CatalogRelation[]> {
  const name = `rcsync_dbt_sources_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const pool = createPool(url.toString(), 2);
  try {
    await migrate(pool);
    return await readCatalog(pool);
  } finally {
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

async function main(args: string[]): Promise<number> {
  const check = args[0] === '--check';
  if (args.length > (check ? 1 : 0)) {
    console.error(`unknown argument ${args.at(-1)}: run with no arguments to regenerate dbt/models/sources.yml, or --check to verify it`);
    return 2;
  }
  const server = process.env.DATABASE_URL ? undefined : await startPrivatePostgres();
  let catalog: CatalogRelation[];
  try {
    catalog = await migratedCatalog(process.env.DATABASE_URL ?? server!.url);
  } finally {
    await server?.stop();
  }
  const missing = missingDescriptions(catalog);
  if (missing.length > 0) {
    console.error(`No description for ${missing.join(', ')}: add COMMENT ON statements in the migration that adds them, then rerun.`);
    return 1;
  }
  const yaml = renderSources(catalog);
  if (check) {
    const current = readFileSync(SOURCES_FILE, 'utf8') === yaml;
    console.error(current ? 'dbt/models/sources.yml is current' : 'dbt/models/sources.yml is stale: run `npm run -s dbt:sources`');
    return current ? 0 : 1;
  }
  writeFileSync(SOURCES_FILE, yaml);
  console.error(`wrote dbt/models/sources.yml: ${catalog.length} tables and views`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error((err as Error).message);
      process.exit(1);
    },
  );
}
