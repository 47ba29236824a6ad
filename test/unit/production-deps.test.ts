// The product runs on its production dependencies alone (the Docker image installs nothing
// else): the simulator package, tsx and the Temporal test server are development tools, loaded
// only by the commands that need them, which then say in one line what is missing.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDevOnly } from '../../src/client/dev-only';
import { EXIT, UsageError } from '../../src/client/errors';

const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** Static (non-type, non-dynamic) imports of a module, as specifiers. */
const staticImports = (file: string): string[] =>
  [...fs.readFileSync(file, 'utf8').matchAll(/^(?:import|export)(?!\s+type\b)[^;]*?\sfrom\s+'([^']+)'/gms)].map((m) => m[1]!);

function resolveLocal(from: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(from), spec);
  return [`${base}.ts`, path.join(base, 'index.ts')].find((f) => fs.existsSync(f));
}

/** Every package reached from `entry` through static imports of the product's own modules. */
function packagesReachedFrom(entry: string): Map<string, string> {
  const seen = new Set<string>();
  const packages = new Map<string, string>();
  const walk = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of staticImports(file)) {
      if (spec.startsWith('.')) {
        const next = resolveLocal(file, spec);
        if (next) walk(next);
      } else if (!spec.startsWith('node:')) {
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        packages.set(name, path.relative(ROOT, file));
      }
    }
  };
  walk(entry);
  return packages;
}

describe('production dependencies', () => {
  it('the simulator, tsx and the Temporal test server are development dependencies', () => {
    for (const dev of ['ringcentral-simulator', 'tsx', '@temporalio/testing']) {
      expect(pkg.dependencies[dev]).toBeUndefined();
      expect(pkg.devDependencies[dev]).toBeDefined();
    }
  });

  it('the CLI (every command, the worker included) loads without any development dependency', () => {
    const reached = packagesReachedFrom(path.join(ROOT, 'src', 'client', 'main.ts'));
    expect(reached.has('commander')).toBe(true); // the walk does follow the imports
    expect(reached.has('@temporalio/worker')).toBe(true);
    const devOnly = [...reached].filter(([name]) => !(name in pkg.dependencies)).map(([name, by]) => `${name} (imported by ${by})`);
    expect(devOnly).toEqual([]);
  });

  it('the product reaches the simulator only through its package name', () => {
    const files = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(path.join(dir, d.name)) : [path.join(dir, d.name)]));
    const inside = (f: string, dir: string) => !path.relative(path.join(ROOT, dir), f).startsWith('..');
    const offenders = ['src', 'test', 'bench', 'scripts']
      .flatMap((d) => files(path.join(ROOT, d)).filter((f) => f.endsWith('.ts')))
      .flatMap((f) =>
        [...fs.readFileSync(f, 'utf8').matchAll(/(?:from\s+|import\()'(\.[^']*)'/g)]
          .map((m) => path.resolve(path.dirname(f), m[1]!))
          .filter((target) => inside(target, 'packages') || inside(target, path.join('src', 'simulator')))
          .map((target) => `${path.relative(ROOT, f)} -> ${path.relative(ROOT, target)}`),
      );
    expect(offenders).toEqual([]);
  });

  it('a command whose development package is missing fails with one line naming it (exit 2)', async () => {
    const missing = Object.assign(new Error("Cannot find module 'ringcentral-simulator'\nRequire stack:\n- x.js"), { code: 'MODULE_NOT_FOUND' });
    const err = await loadDevOnly('simulator', () => Promise.reject(missing)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(EXIT.usage);
    expect((err as UsageError).message).toMatch(/^simulator needs ringcentral-simulator, which is not installed .*npm ci/);
    expect((err as UsageError).message).not.toContain('\n');
    const other = new Error('boom');
    await expect(loadDevOnly('demo', () => Promise.reject(other))).rejects.toBe(other);
    await expect(loadDevOnly('demo', () => Promise.resolve(42))).resolves.toBe(42);
  });
});
