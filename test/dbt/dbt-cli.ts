/** Runs the pinned dbt (installed by scripts/setup-dbt.sh) on dbt/ against one database. */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '..', '..');
export const DBT_PROJECT = path.join(ROOT, 'dbt');

/** The dbt executable, or an error naming the command that installs it. */
export function dbtExecutable(): string {
  const venv = execFileSync('bash', [path.join(ROOT, 'scripts', 'setup-dbt.sh'), '--path'], { encoding: 'utf8' }).trim();
  if (!existsSync(path.join(venv, '.installed'))) {
    throw new Error(`dbt is not installed (looked in ${venv}): run \`npm run dbt:setup\` (bash scripts/setup-dbt.sh), which .ci/run does too`);
  }
  return path.join(venv, 'bin', 'dbt');
}

export interface DbtRun {
  exitCode: number;
  output: string;
  /** target/run_results.json of the run, when dbt wrote one. */
  results?: { results: Array<{ unique_id: string; status: string; message: string | null; failures: number | null }> };
}

/**
 * One dbt command with the connection taken from `databaseUrl` (as the PG* variables that
 * dbt/profiles.yml reads) and its target/ and logs/ in a private temp folder, so that
 * concurrent runs and the checkout stay apart.
 */
export async function runDbt(dbt: string, args: string[], databaseUrl: string, schema: string): Promise<DbtRun> {
  const url = new URL(databaseUrl);
  const work = mkdtempSync(path.join(tmpdir(), 'rcsync-dbt-'));
  const env = {
    ...process.env,
    PGHOST: url.hostname,
    PGPORT: url.port || '5432',
    PGUSER: decodeURIComponent(url.username),
    PGPASSWORD: decodeURIComponent(url.password),
    PGDATABASE: url.pathname.slice(1),
    DBT_SCHEMA: schema,
    DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
  };
  const fullArgs = [...args, '--project-dir', DBT_PROJECT, '--profiles-dir', DBT_PROJECT, '--target-path', path.join(work, 'target'), '--log-path', path.join(work, 'logs')];
  const done = await promisify(execFile)(dbt, fullArgs, { env, cwd: work, timeout: 300_000, maxBuffer: 64 * 1024 * 1024 }).then(
    ({ stdout, stderr }) => ({ exitCode: 0, output: stdout + stderr }),
    (err: { code?: number; stdout?: string; stderr?: string; message: string }) => ({
      exitCode: typeof err.code === 'number' ? err.code : -1,
      output: `${err.stdout ?? ''}${err.stderr ?? ''}${err.message}`,
    }),
  );
  const resultsFile = path.join(work, 'target', 'run_results.json');
  const results = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : undefined;
  rmSync(work, { recursive: true, force: true });
  return { ...done, results };
}
