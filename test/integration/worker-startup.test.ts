/**
 * `rcsync worker` as a container runs it: a start-up failure exits non-zero with one line
 * and changes nothing; the first SIGTERM or SIGINT drains and exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { watchdog } from '../../src/infra/processes';
import { startTestSimulator } from '../support/sync-harness';
import { uniqueName } from '../support/stack';
import type { Simulator } from 'ringcentral-simulator';

const ROOT = path.resolve(__dirname, '..', '..');

interface Exited {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: string[];
  ms: number;
}

/** One node process (no tsx wrapper), so signals reach the worker itself, as in a container. */
function spawnWorker(env: Record<string, string>): { child: ChildProcess; lines: string[]; exited: Promise<Exited> } {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'client', 'main.ts'), 'worker'], {
    cwd: ROOT,
    // Metrics off: parallel test files run workers too, and the default ports are fixed.
    env: { ...process.env, RCSYNC_LOG_LEVEL: 'INFO', RCSYNC_METRICS_ADDRESS: 'off', RCSYNC_TEMPORAL_METRICS_ADDRESS: 'off', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (child.pid) watchdog(child.pid);
  const lines: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter((l) => l.trim())));
  const exited = new Promise<Exited>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, lines, ms: Date.now() - started })));
  return { child, lines, exited };
}

async function waitForLine(lines: string[], pattern: RegExp, exited: Promise<Exited>, timeoutMs = 90_000): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  while (!lines.some((l) => pattern.test(l))) {
    if (gone) throw new Error(`worker exited before printing ${pattern}:\n${lines.join('\n')}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('rcsync worker start-up and shutdown', () => {
  let admin: pg.Client;
  let sim: Simulator;
  const databases: string[] = [];

  /** An empty database: migrations applied to it would show as the ringcentral schema. */
  async function emptyDatabase(): Promise<string> {
    const name = uniqueName('rcsync_worker_startup');
    await admin.query(`CREATE DATABASE ${name}`);
    databases.push(name);
    const url = new URL(inject('adminDatabaseUrl'));
    url.pathname = `/${name}`;
    return url.toString();
  }

  async function migrated(url: string): Promise<boolean> {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const { rows } = await c.query(`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'ringcentral'`);
    await c.end();
    return rows[0].n > 0;
  }

  const baseEnv = () => ({
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: uniqueName('startup'),
    RC_SERVER_URL: sim.url,
    RC_CLIENT_ID: sim.credentials.clientId,
    RC_CLIENT_SECRET: sim.credentials.clientSecret,
    RC_JWT: sim.credentials.jwt,
  });

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
    await admin.connect();
    sim = await startTestSimulator();
  });
  afterAll(async () => {
    await sim?.close();
    for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin?.end();
  });

  const failures: Array<[string, () => Promise<Record<string, string>>, RegExp]> = [
    ['unknown namespace', async () => ({ TEMPORAL_NAMESPACE: 'no-such-namespace' }), /^rcsync: Namespace "no-such-namespace" not found .*create it .*TEMPORAL_NAMESPACE/],
    ['unreachable Temporal', async () => ({ TEMPORAL_ADDRESS: '127.0.0.1:1' }), /^rcsync: Cannot reach Temporal at 127\.0\.0\.1:1: .*TEMPORAL_ADDRESS/],
    ['unreachable Postgres', async () => ({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }), /^rcsync: Cannot reach Postgres at 127\.0\.0\.1:1 .*DATABASE_URL/],
  ];

  it.each(failures)('%s: exits non-zero with one line, migrates nothing', async (_name, env, message) => {
    const databaseUrl = await emptyDatabase();
    const { exited } = spawnWorker({ ...baseEnv(), DATABASE_URL: databaseUrl, RCSYNC_LOG_LEVEL: 'INFO', ...(await env()) });
    const result = await exited;
    expect(result.code, result.lines.join('\n')).toBe(2);
    expect(result.lines).toHaveLength(1);
    expect(result.lines[0]).toMatch(message);
    expect(result.ms).toBeLessThan(60_000);
    expect(await migrated(databaseUrl), 'no migration before every dependency answered').toBe(false);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('the first %s drains and exits 0', async (signal) => {
    const { child, lines, exited } = spawnWorker({ ...baseEnv(), DATABASE_URL: await emptyDatabase() });
    await waitForLine(lines, /worker started; Ctrl-C stops it/, exited);
    const sent = Date.now();
    child.kill(signal);
    const result = await Promise.race([exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 30_000))]);
    if (!result) child.kill('SIGKILL');
    expect(result, `still running 30 s after one ${signal}:\n${lines.join('\n')}`).toBeDefined();
    expect(result!.code, lines.join('\n')).toBe(0);
    expect(Date.now() - sent).toBeLessThan(30_000);
  });

  it('a SIGTERM during start-up (Temporal accepting but not answering) stops it at once', async () => {
    // A TCP server that accepts and never speaks: the worker is mid-start-up once it connects.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const { child, lines, exited } = spawnWorker({ ...baseEnv(), TEMPORAL_ADDRESS: address, DATABASE_URL: await emptyDatabase() });
      const deadline = Date.now() + 60_000;
      while (sockets.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(sockets.length, 'the worker reached Temporal').toBeGreaterThan(0);
      child.kill('SIGTERM');
      const result = await Promise.race([exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 15_000))]);
      if (!result) child.kill('SIGKILL');
      expect(result, `ignored the first SIGTERM:\n${lines.join('\n')}`).toBeDefined();
      expect(result!.lines.filter((l) => /^\s+at /.test(l)), 'no stack trace').toEqual([]);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });
});
