/**
 * A test run (or demo) killed without warning leaves nothing behind: the watchdog next to
 * each local service stops it when its parent process vanishes.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..');

const listening = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, host);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

describe('local stack clean-up', () => {
  it('SIGKILL of the process that started Postgres and the dev server stops both', async () => {
    const script = `
      const { startLocalStack } = require('./src/infra/local-stack');
      startLocalStack({ headless: true }).then((s) => console.log(JSON.stringify({ pid: process.pid, db: s.databaseUrl, temporal: s.temporalAddress })));
      setInterval(() => {}, 1000);`;
    const env = { ...process.env };
    delete env.DATABASE_URL;
    delete env.TEMPORAL_ADDRESS;
    const child = spawn(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), '-e', script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('\n')) resolve(out.trim());
      });
      child.once('exit', () => reject(new Error('stack process exited early')));
    });
    const { pid, db, temporal } = JSON.parse(line) as { pid: number; db: string; temporal: string };
    const pgPort = Number(new URL(db).port);
    const temporalPort = Number(temporal.split(':')[1]);
    expect(await listening('127.0.0.1', pgPort)).toBe(true);
    expect(await listening('127.0.0.1', temporalPort)).toBe(true);

    // Kill the very process that started the services (tsx runs the script in a child of its own).
    process.kill(pid, 'SIGKILL');
    child.kill('SIGKILL');
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && ((await listening('127.0.0.1', pgPort)) || (await listening('127.0.0.1', temporalPort)))) {
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(await listening('127.0.0.1', pgPort)).toBe(false);
    expect(await listening('127.0.0.1', temporalPort)).toBe(false);
  });
});
