// CLI entry: flags > RC_* env > defaults; prints RC_* lines; serves until told to stop.

import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { SIMULATOR_DEFAULTS, parseSimulatorArgs, runSimulatorCli, serveSimulatorFromCli } from '../src';
import { JWT_GRANT, basic, http } from './helpers';

describe('simulator CLI', () => {
  it('parses flags, falls back to RC_* env, rejects unknown flags', () => {
    const o = parseSimulatorArgs(['--port', '0', '--seed', '3', '--extensions=12', '--days', '2', '--client-id', 'flag-id'], {
      RC_CLIENT_ID: 'env-id', RC_CLIENT_SECRET: 'env-secret', RC_JWT: 'env.jwt.value',
    });
    expect(o).toMatchObject({ port: 0, seed: 3, extensions: 12, days: 2, clientId: 'flag-id', clientSecret: 'env-secret', jwt: 'env.jwt.value', clockSpeed: 1 });
    expect(parseSimulatorArgs([], {})).toMatchObject({ port: 9000, seed: 1, extensions: 500, days: 30, clockSpeed: 1, control: false });
    expect(parseSimulatorArgs(['--control', '--now', '2026-01-02T03:04:05Z'], {})).toMatchObject({ control: true, now: '2026-01-02T03:04:05Z' });
    expect(() => parseSimulatorArgs(['--bogus', '1'], {})).toThrow(/unknown option '--bogus'/);
    expect(() => parseSimulatorArgs(['--seed', 'x'], {})).toThrow(/--seed expects a number, got "x"/);
  });

  it('served, simulated history ends at the real now unless --now says otherwise', () => {
    const before = Date.now();
    const now = parseSimulatorArgs([], {}).now as Date;
    expect(now).toBeInstanceOf(Date);
    expect(now.getTime()).toBeGreaterThanOrEqual(before);
    expect(now.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('bad input: exit code 2 and one line naming the flag, nothing served', async () => {
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((l: unknown) => void errors.push(String(l)));
    try {
      expect(await runSimulatorCli(['--days', 'many'])).toBe(2);
      expect(await runSimulatorCli(['--port', '0', 'stray'])).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^ringcentral-simulator: .*--days must be a whole number from 1 to 365, got "many".*--help/);
    expect(errors[1]).toMatch(/^ringcentral-simulator: too many arguments/);
  });

  it('prints the RC_* settings and serves until stopped', async () => {
    const lines: string[] = [];
    let stop!: () => void;
    const until = new Promise<void>((r) => (stop = r));
    const served = serveSimulatorFromCli({ port: 0, seed: 2, extensions: 15, days: 2, clockSpeed: 0 }, { log: (l) => lines.push(l), until });
    for (let i = 0; i < 100 && !lines.some((l) => l.startsWith('RC_JWT=')); i++) await new Promise((r) => setTimeout(r, 10));
    const env = Object.fromEntries(lines.filter((l) => /^RC_[A-Z_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    expect(Object.keys(env).sort()).toEqual(['RC_CLIENT_ID', 'RC_CLIENT_SECRET', 'RC_JWT', 'RC_SERVER_URL']);
    expect(env.RC_CLIENT_ID).toBe(SIMULATOR_DEFAULTS.clientId);
    const fakeSim = { credentials: { clientId: env.RC_CLIENT_ID!, clientSecret: env.RC_CLIENT_SECRET!, jwt: env.RC_JWT! } } as any;
    const tok = await http(`${env.RC_SERVER_URL}/restapi/oauth/token`, {
      method: 'POST',
      headers: { Authorization: basic(fakeSim), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: JWT_GRANT, assertion: env.RC_JWT! }).toString(),
    });
    expect(tok.status).toBe(200);
    stop();
    await served;
    await expect(fetch(`${env.RC_SERVER_URL}/restapi/oauth/token`, { method: 'POST' })).rejects.toThrow();
  });

  it('never echoes credentials that came from the environment (they may be real)', async () => {
    const saved = process.env.RC_CLIENT_SECRET;
    process.env.RC_CLIENT_SECRET = 'real-secret-from-env';
    const lines: string[] = [];
    let stop!: () => void;
    const until = new Promise<void>((r) => (stop = r));
    const opts = parseSimulatorArgs(['--port', '0', '--extensions', '3', '--days', '1']);
    const served = serveSimulatorFromCli({ ...opts, clockSpeed: 0 }, { log: (l) => lines.push(l), until });
    for (let i = 0; i < 100 && !lines.some((l) => l.includes('RC_JWT')); i++) await new Promise((r) => setTimeout(r, 10));
    stop();
    await served;
    if (saved === undefined) delete process.env.RC_CLIENT_SECRET;
    else process.env.RC_CLIENT_SECRET = saved;
    expect(lines.join('\n')).not.toContain('real-secret-from-env');
    expect(lines).toContain('# RC_CLIENT_SECRET: as already set in your environment');
  });

  it('the ringcentral-simulator bin serves, with --control, until SIGTERM', async () => {
    const bin = path.join(__dirname, '..', 'bin', 'ringcentral-simulator.js');
    const child = spawn(process.execPath, [bin, '--port', '0', '--extensions', '6', '--days', '1', '--control'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      for (let i = 0; i < 600 && !out.includes('# control surface'); i++) await new Promise((r) => setTimeout(r, 50));
      const url = /^RC_SERVER_URL=(.*)$/m.exec(out)?.[1];
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const stats = await http(`${url}/_sim/stats`);
      expect(stats.status).toBe(200);
      expect(stats.body.requests).toBe(0);
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(out).toContain('RingCentral simulator stopped');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
