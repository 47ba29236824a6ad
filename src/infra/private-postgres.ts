/**
 * A throwaway PostgreSQL cluster in a temp dir: initdb + postgres as a child process.
 * initdb refuses to run as root, so as root the server runs as the `postgres` OS user.
 * Starts in about a second; removed again on stop().
 *
 * Not open to every local user: the superuser has a password generated per cluster
 * (scram-sha-256 for TCP and socket alike), which only the URL handed out carries, and
 * the socket lives in the cluster's own 0700 folder.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, startManaged, waitFor } from './processes';

export interface PrivatePostgres {
  /** Superuser URL (database `postgres`), with the cluster's generated password. */
  url: string;
  stop(): Promise<void>;
}

function pgBinDir(): string {
  const explicit = process.env.PG_BIN_DIR;
  if (explicit) return explicit;
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return path.dirname(onPath);
  const debianRoot = '/usr/lib/postgresql';
  if (existsSync(debianRoot)) {
    const versions = readdirSync(debianRoot).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (existsSync(path.join(debianRoot, v, 'bin', 'initdb'))) return path.join(debianRoot, v, 'bin');
  }
  throw new Error(
    'PostgreSQL server binaries (initdb, postgres) not found. Install PostgreSQL 15 (e.g. `apt-get install postgresql`), ' +
      'set PG_BIN_DIR to their folder, or set DATABASE_URL to an existing database.',
  );
}

function runAsIds(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid, gid };
  } catch {
    throw new Error('As root, the private Postgres runs as the `postgres` OS user, which does not exist: create it (useradd --system postgres) or set DATABASE_URL.');
  }
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = pgBinDir();
  const ids = runAsIds();
  const dir = mkdtempSync(path.join(tmpdir(), 'rcsync-pg-'));
  if (ids.uid !== undefined) chownSync(dir, ids.uid, ids.gid!);
  const dataDir = path.join(dir, 'data');
  // Hex: no character needs escaping in a URL. The file exists only while initdb reads it.
  const password = randomBytes(24).toString('hex');
  const pwFile = path.join(dir, 'pw');
  writeFileSync(pwFile, password, { mode: 0o600 });
  if (ids.uid !== undefined) chownSync(pwFile, ids.uid, ids.gid!);
  const init = spawnSync(
    path.join(bin, 'initdb'),
    ['-D', dataDir, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwFile}`, '-E', 'UTF8', '--no-sync', '--locale=C'],
    { ...ids, encoding: 'utf8' },
  );
  rmSync(pwFile, { force: true });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.stderr || init.error}`);
  }
  const port = await freePort();
  const proc = startManaged(
    path.join(bin, 'postgres'),
    ['-D', dataDir, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=300', '-c', 'full_page_writes=off'],
    { ...ids, removeOnOrphan: dir },
  );
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  await waitFor(
    `private Postgres on port ${port}`,
    async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.end();
      return true;
    },
    30_000,
    proc,
  );
  return {
    url,
    async stop() {
      await proc.stop('SIGINT'); // "fast" shutdown: rolls back open transactions, exits promptly
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
