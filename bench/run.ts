/**
 * `npm run bench`: every speed and memory figure the docs quote, measured here and written
 * to bench/RESULTS.md with the machine and date. Starts its own Postgres and Temporal dev
 * server (or uses DATABASE_URL / TEMPORAL_ADDRESS).
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startLocalStack } from '../src/infra/local-stack';
import { installLogging } from '../src/infra/logging';
import { createPool } from '../src/warehouse/db';
import { migrate } from '../src/warehouse/migrate';
import { benchExtraction } from './extraction';
import { benchScd2Merge } from './scd2-merge';
import { benchSimulator } from './simulator';

async function main() {
  installLogging('ERROR');
  const stack = await startLocalStack({ headless: true });
  const dbName = `rcsync_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: stack.databaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = new URL(stack.databaseUrl);
  url.pathname = `/${dbName}`;
  const pool = createPool(url.toString(), 20);
  try {
    await migrate(pool);
    const sections: Array<[string, string[]]> = [];
    console.error('SCD2 merge...');
    sections.push(['SCD2 merge (`bench/scd2-merge.ts`)', await benchScd2Merge(pool, [10_000, 100_000])]);
    console.error('Simulator...');
    sections.push(['Simulator (`bench/simulator.ts`)', await benchSimulator()]);
    console.error('Extraction...');
    sections.push(['Extraction within rate limits (`bench/extraction.ts`)', await benchExtraction(pool, stack.temporalAddress, [1, 3])]);
    const header = [
      '# Benchmark results',
      '',
      `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL via ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'a private cluster (fsync off)'}.`,
      'Single runs, not averages: expect some run-to-run variation.',
    ];
    const body = sections.flatMap(([title, lines]) => ['', `## ${title}`, '', ...lines]);
    const out = [...header, ...body, ''].join('\n');
    writeFileSync(path.join(__dirname, 'RESULTS.md'), out);
    console.log(out);
  } finally {
    await pool.end();
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
