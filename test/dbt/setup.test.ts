/** Where the dbt tests look for dbt, and what they say when it is not there. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dbtExecutable } from './dbt-cli';

const SETUP = path.resolve(__dirname, '..', '..', 'scripts', 'setup-dbt.sh');

describe('the dbt environment', () => {
  const saved = process.env.XDG_CACHE_HOME;
  let empty: string | undefined;
  afterEach(() => {
    if (saved === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = saved;
    if (empty) rmSync(empty, { recursive: true, force: true });
  });

  it('is missing on a machine without it, and the error names the command that installs it', () => {
    empty = mkdtempSync(path.join(tmpdir(), 'rcsync-no-dbt-'));
    process.env.XDG_CACHE_HOME = empty;
    expect(() => dbtExecutable()).toThrow(/dbt is not installed .*run `npm run dbt:setup` \(bash scripts\/setup-dbt.sh\)/);
  });

  it('is found where setup-dbt.sh installs it', () => {
    const venv = spawnSync('bash', [SETUP, '--path'], { encoding: 'utf8' }).stdout.trim();
    expect(venv).toMatch(/rcsync\/dbt-[0-9a-f]{12}$/);
    expect(dbtExecutable()).toBe(path.join(venv, 'bin', 'dbt'));
  });

  it('setup refuses an unknown argument with exit 2 and one line naming the fix', () => {
    const run = spawnSync('bash', [SETUP, '--frobnicate'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual(['unknown argument --frobnicate: run scripts/setup-dbt.sh without arguments, or with --path']);
  });
});
