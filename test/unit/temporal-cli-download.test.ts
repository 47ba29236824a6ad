// The quick start on a machine without Go: the official release download, served here by a
// loopback stand-in that speaks the download service's protocol (info JSON, then a tar.gz).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedCliPath, findTemporalCli, NO_TEMPORAL_CLI_HELP, TEMPORAL_CLI_VERSION } from '../../src/infra/temporal-cli';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cli-dl-test-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A tar.gz holding a `temporal` script that answers --version like the real CLI. */
function fakeReleaseArchive(): Buffer {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'temporal'), '#!/bin/sh\necho "temporal version 1.5.1 (fake)"\n', { mode: 0o755 });
  execFileSync('tar', ['-czf', path.join(dir, 'a.tar.gz'), '-C', dir, 'temporal']);
  return readFileSync(path.join(dir, 'a.tar.gz'));
}

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    handler!(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

/** A machine with no temporal on PATH, an empty cache and no Go. */
function bareMachine(downloadUrl: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const empty = tempDir();
  mkdirSync(path.join(empty, 'bin'));
  return { PATH: path.join(empty, 'bin'), XDG_CACHE_HOME: path.join(empty, 'cache'), RCSYNC_TEMPORAL_DOWNLOAD_URL: downloadUrl, ...extra };
}

describe('Temporal CLI without Go', () => {
  it('downloads the official release for this platform into the cache, with no opt-in variable', async () => {
    const archive = fakeReleaseArchive();
    const server = await serve((req, res) => {
      if (req.url?.startsWith(`/cli/${TEMPORAL_CLI_VERSION}?`)) {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ archiveUrl: `${server.url}/archives/temporal_cli_linux_amd64.tar.gz`, fileToExtract: 'temporal' }));
      } else if (req.url === '/archives/temporal_cli_linux_amd64.tar.gz') {
        res.end(archive);
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    const env = bareMachine(server.url);
    const lines: string[] = [];
    const bin = await findTemporalCli({ env, go: null, log: (l) => lines.push(l) });
    expect(bin).toBe(cachedCliPath(env));
    expect(execFileSync(bin!, ['--version'], { encoding: 'utf8' })).toContain('1.5.1');
    const info = new URL(server.url + server.requests[0]);
    expect(info.searchParams.get('platform')).toBe(process.platform);
    expect(info.searchParams.get('format')).toBe('tar.gz');
    // The second call finds the cached binary and asks nobody.
    expect(await findTemporalCli({ env, go: null, log: () => {} })).toBe(bin);
    expect(server.requests).toHaveLength(2);
  });

  it('gives up within its deadline when the download service does not answer, and leaves no binary', async () => {
    const server = await serve(() => {
      /* never answers */
    });
    const env = bareMachine(server.url, { RCSYNC_TEMPORAL_DOWNLOAD_TIMEOUT_MS: '1500' });
    const lines: string[] = [];
    const started = Date.now();
    const bin = await findTemporalCli({ env, go: null, log: (l) => lines.push(l) });
    expect(bin).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(lines.join('\n')).toMatch(/download failed: no answer within 2 s/);
    expect(existsSync(cachedCliPath(env))).toBe(false);
  });

  it('refuses an archive that does not contain a working binary', async () => {
    const server = await serve((req, res) => {
      if (req.url?.startsWith('/cli/')) res.end(JSON.stringify({ archiveUrl: `${server.url}/a.tar.gz`, fileToExtract: 'temporal' }));
      else res.end('not a tarball');
    });
    const env = bareMachine(server.url);
    const lines: string[] = [];
    expect(await findTemporalCli({ env, go: null, log: (l) => lines.push(l) })).toBeUndefined();
    expect(lines.join('\n')).toMatch(/tar could not extract temporal/);
    expect(existsSync(cachedCliPath(env))).toBe(false);
  });

  it('says in one line what to install when nothing works', () => {
    expect(NO_TEMPORAL_CLI_HELP.split('\n')).toHaveLength(1);
    expect(NO_TEMPORAL_CLI_HELP).toMatch(/TEMPORAL_CLI/);
    expect(NO_TEMPORAL_CLI_HELP).toMatch(/Go/);
  });
});
