/**
 * Finds a `temporal` CLI binary without downloading anything at run time.
 *
 * Order: $TEMPORAL_CLI, `temporal` on PATH, the cached Go build, a fresh Go build
 * (cached under ~/.cache so CI on the same machine reuses it). Returns undefined when
 * none works, so the caller can fall back to the SDK's own download on machines with
 * internet access.
 */
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

export const TEMPORAL_CLI_VERSION = 'v1.5.1'; // newest tag `go install` accepts (later ones use replace directives)

export function cachedCliPath(): string {
  const cacheRoot = process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
  return path.join(cacheRoot, 'rcsync', `temporal-${TEMPORAL_CLI_VERSION}`, 'temporal');
}

function works(bin: string): boolean {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0;
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Builds the CLI with `go install`, streaming progress because it takes minutes. */
async function goBuild(target: string, log: (line: string) => void): Promise<boolean> {
  const go = onPath('go') ?? (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) return false;
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

export async function findTemporalCli(log: (line: string) => void = console.error): Promise<string | undefined> {
  const fromEnv = process.env.TEMPORAL_CLI;
  if (fromEnv) {
    if (!works(fromEnv)) throw new Error(`TEMPORAL_CLI=${fromEnv} does not run (\`${fromEnv} --version\` failed).`);
    return fromEnv;
  }
  const pathBin = onPath('temporal');
  if (pathBin && works(pathBin)) return pathBin;
  const cached = cachedCliPath();
  if (existsSync(cached) && works(cached)) return cached;
  if (await goBuild(cached, log)) return cached;
  return undefined;
}

export const NO_TEMPORAL_CLI_HELP = [
  'No Temporal CLI found. Any one of these fixes it:',
  '  1. set TEMPORAL_CLI=/path/to/temporal, or put `temporal` on PATH;',
  `  2. install Go (1.22+) so the CLI can be built: CGO_ENABLED=0 go install github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION};`,
  '  3. on a machine with internet access, set RCSYNC_ALLOW_DOWNLOAD=1 to let the Temporal SDK download the dev server.',
].join('\n');

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
