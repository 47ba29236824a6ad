/**
 * `npm run bench`: every speed and memory figure the docs quote, measured here and written
 * to bench/RESULTS.md with the machine and date. Starts its own Postgres and Temporal dev
 * server (or uses DATABASE_URL / TEMPORAL_ADDRESS).
 *
 * `npm run bench -- extraction` (or `scd2`, `simulator`, `scale`, several allowed) measures only the
 * named sections and replaces just those in bench/RESULTS.md, each marked with its own date.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startLocalStack } from '../src/infra/local-stack';
import { installLogging } from '../src/infra/logging';
import { createPool, type Pool } from '../src/warehouse/db';
import { migrate } from '../src/warehouse/migrate';
import { benchExtraction } from './extraction';
import { benchFreshness } from './freshness';
import { benchScale } from './scale';
import { benchScd2Merge } from './scd2-merge';
import { benchSimulator } from './simulator';

type Section = { name: string; title: string; run: (pool: Pool, temporalAddress: string) => Promise<string[]> };

const SECTIONS: Section[] = [
  { name: 'scd2', title: 'SCD2 merge (`bench/scd2-merge.ts`)', run: (pool) => benchScd2Merge(pool, [10_000, 100_000]) },
  { name: 'simulator', title: 'Simulator (`bench/simulator.ts`)', run: () => benchSimulator() },
  { name: 'extraction', title: 'Extraction within rate limits (`bench/extraction.ts`)', run: (pool, temporal) => benchExtraction(pool, temporal, [1, 3]) },
  { name: 'freshness', title: 'Freshness with push and polling only (`bench/freshness.ts`)', run: (pool, temporal) => benchFreshness(pool, temporal) },
  { name: 'scale', title: 'Scale table (`bench/scale.ts`)', run: (pool, temporal) => benchScale(pool, temporal, [100, 500, 2_000, 10_000]) },
];
const RESULTS = path.join(__dirname, 'RESULTS.md');

/** The sections named on the command line (all when none); exit 2 on an unknown name, before anything starts. */
function selectedSections(args: string[]): Section[] {
  const unknown = args.filter((a) => !SECTIONS.some((s) => s.name === a));
  if (unknown.length) {
    console.error(`Unknown benchmark section "${unknown[0]}": name some of ${SECTIONS.map((s) => s.name).join(', ')}, or none for all (e.g. npm run bench -- extraction).`);
    process.exit(2);
  }
  return args.length ? SECTIONS.filter((s) => args.includes(s.name)) : SECTIONS;
}

/** The existing RESULTS.md with the given sections' bodies replaced (a section absent so far is appended). */
function replaceSections(measured: Array<[string, string[]]>): string {
  let text = readFileSync(RESULTS, 'utf8').trimEnd();
  for (const [title, lines] of measured) {
    const body = [`## ${title}`, '', `Measured alone (\`npm run bench -- <section>\`) on ${machine()}.`, '', ...lines].join('\n');
    const start = text.indexOf(`## ${title}`);
    if (start < 0) text += `\n\n${body}`;
    else {
      const next = text.indexOf('\n## ', start + 1);
      text = text.slice(0, start) + body + (next < 0 ? '' : `\n${text.slice(next)}`);
    }
  }
  return `${text}\n`;
}

function machine(): string {
  const cpus = os.cpus();
  const postgres = process.env.DATABASE_URL ? 'DATABASE_URL' : 'a private cluster (fsync off)';
  return `${new Date().toISOString().slice(0, 10)}: ${cpus.length} cores (${cpus[0]?.model.trim()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL via ${postgres}`;
}

async function main() {
  const sections = selectedSections(process.argv.slice(2));
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
    const measured: Array<[string, string[]]> = [];
    for (const section of sections) {
      console.error(`${section.title}...`);
      measured.push([section.title, await section.run(pool, stack.temporalAddress)]);
    }
    const header = [
      '# Benchmark results',
      '',
      `Measured by \`npm run bench\` on ${machine()}.`,
      'Single runs, not averages: expect some run-to-run variation.',
    ];
    const partial = sections.length < SECTIONS.length && existsSync(RESULTS);
    const out = partial ? replaceSections(measured) : [...header, ...measured.flatMap(([title, lines]) => ['', `## ${title}`, '', ...lines]), ''].join('\n');
    writeFileSync(RESULTS, out);
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
