/**
 * Finds a `temporal` CLI binary for the local dev server.
 *
 * Order: $TEMPORAL_CLI, `temporal` on PATH, the cached binary, a fresh Go build, and last
 * the official release download. Builds and downloads land in the same cache
 * (~/.cache/rcsync), so each machine pays for one of them once. Returns undefined when
 * nothing works; the caller then prints the one-line help.
 */
import { spawnSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';

export const TEMPORAL_CLI_VERSION = 'v1.5.1'; // newest tag `go install` accepts (later ones use replace directives)

/** Where Temporal publishes CLI releases; the SDK's own ephemeral-server download uses it too. */
const OFFICIAL_DOWNLOAD_BASE = 'https://temporal.download';
const DOWNLOAD_TIMEOUT_MS = 60_000;

export interface FindOptions {
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  /** The Go binary to build with; null means "no Go on this machine". Default: PATH, then /usr/local/go. */
  go?: string | null;
}

export function cachedCliPath(env: NodeJS.ProcessEnv = process.env): string {
  const cacheRoot = env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
  return path.join(cacheRoot, 'rcsync', `temporal-${TEMPORAL_CLI_VERSION}`, 'temporal');
}

function works(bin: string): boolean {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0;
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Builds the CLI with `go install`, streaming progress because it takes minutes. */
async function goBuild(go: string, target: string, log: (line: string) => void): Promise<boolean> {
  mkdirSync(path.dirname(target), { recursive: true });
  log(`Building the Temporal CLI ${TEMPORAL_CLI_VERSION} with Go into ${path.dirname(target)} (one-off, a few minutes)...`);
  const started = Date.now();
  const child = spawn(go, ['install', `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`], {
    env: { ...process.env, CGO_ENABLED: '0', GOBIN: path.dirname(target), GOFLAGS: '-mod=mod' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let lastLines: string[] = [];
  const ticker = setInterval(() => log(`  still building... ${Math.round((Date.now() - started) / 1000)} s`), 30_000);
  child.stderr.on('data', (chunk: Buffer) => {
    lastLines = [...lastLines, ...chunk.toString().split('\n').filter(Boolean)].slice(-10);
  });
  const code: number = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  clearInterval(ticker);
  if (code !== 0 || !existsSync(target)) {
    log(`Go build of the Temporal CLI failed (exit ${code}):\n${lastLines.join('\n')}`);
    return false;
  }
  log(`Built the Temporal CLI in ${Math.round((Date.now() - started) / 1000)} s.`);
  return true;
}

/**
 * The official release: ask the download service which archive fits this platform, fetch
 * it and extract the binary into the cache. One deadline bounds the whole exchange, so a
 * machine without internet access learns it quickly instead of hanging.
 */
export async function downloadRelease(target: string, log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const base = env.RCSYNC_TEMPORAL_DOWNLOAD_URL || OFFICIAL_DOWNLOAD_BASE;
  const timeoutMs = Number(env.RCSYNC_TEMPORAL_DOWNLOAD_TIMEOUT_MS) || DOWNLOAD_TIMEOUT_MS;
  const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch as string];
  const platform = { linux: 'linux', darwin: 'darwin' }[process.platform as string];
  if (!arch || !platform) return false;
  const signal = AbortSignal.timeout(timeoutMs);
  const work = mkdtempSync(path.join(tmpdir(), 'temporal-cli-'));
  try {
    log(`Downloading the Temporal CLI ${TEMPORAL_CLI_VERSION} release (at most ${Math.round(timeoutMs / 1000)} s)...`);
    const query = new URLSearchParams({ arch, platform, format: 'tar.gz' });
    const infoResponse = await fetch(`${base}/cli/${TEMPORAL_CLI_VERSION}?${query}`, { signal });
    if (!infoResponse.ok) throw new Error(`the download service answered ${infoResponse.status}`);
    const info = (await infoResponse.json()) as { archiveUrl?: string; fileToExtract?: string };
    if (!info.archiveUrl?.endsWith('.tar.gz') || !info.fileToExtract) throw new Error('the download service named no .tar.gz archive');
    const archive = await fetch(info.archiveUrl, { signal });
    if (!archive.ok) throw new Error(`the archive download answered ${archive.status}`);
    const archivePath = path.join(work, 'cli.tar.gz');
    writeFileSync(archivePath, Buffer.from(await archive.arrayBuffer()));
    const untar = spawnSync('tar', ['-xzf', archivePath, '-C', work, info.fileToExtract], { encoding: 'utf8', timeout: 60_000 });
    if (untar.status !== 0) throw new Error(`tar could not extract ${info.fileToExtract}: ${untar.stderr.trim()}`);
    mkdirSync(path.dirname(target), { recursive: true });
    chmodSync(path.join(work, info.fileToExtract), 0o755);
    renameSync(path.join(work, info.fileToExtract), target);
    if (!works(target)) {
      rmSync(target, { force: true });
      throw new Error('the downloaded binary does not run');
    }
    log(`Downloaded the Temporal CLI into ${path.dirname(target)}.`);
    return true;
  } catch (err) {
    const reason = signal.aborted ? `no answer within ${Math.round(timeoutMs / 1000)} s` : (err as Error).message;
    log(`Temporal CLI download failed: ${reason}.`);
    return false;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export async function findTemporalCli(options: FindOptions = {}): Promise<string | undefined> {
  const log = options.log ?? console.error;
  const env = options.env ?? process.env;
  const fromEnv = env.TEMPORAL_CLI;
  if (fromEnv) {
    if (!works(fromEnv)) throw new Error(`TEMPORAL_CLI=${fromEnv} does not run (\`${fromEnv} --version\` failed).`);
    return fromEnv;
  }
  const pathBin = onPath('temporal', env);
  if (pathBin && works(pathBin)) return pathBin;
  const cached = cachedCliPath(env);
  if (existsSync(cached) && works(cached)) return cached;
  const go = options.go === undefined ? (onPath('go', env) ?? (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined)) : options.go;
  if (go && (await goBuild(go, cached, log))) return cached;
  if (await downloadRelease(cached, log, env)) return cached;
  return undefined;
}

export const NO_TEMPORAL_CLI_HELP =
  'No Temporal CLI: set TEMPORAL_CLI=/path/to/temporal or put `temporal` on PATH, install Go 1.22+ to build it, ' +
  'or allow this machine to reach the official release download (temporal.download).';

// `tsx src/infra/temporal-cli.ts` prints the path (used by .ci/run to build the CLI up front).
if (require.main === module) {
  findTemporalCli().then((bin) => {
    if (!bin) {
      console.error(NO_TEMPORAL_CLI_HELP);
      process.exit(1);
    }
    console.log(bin);
  });
}
