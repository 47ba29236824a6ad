// The package's shape: its modules form no import circle (type-only imports included: a
// circle of types still means two files that cannot be understood one without the other),
// and it depends on nothing from the product that uses it.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.join(__dirname, '..', 'src');
const files = fs.readdirSync(SRC).filter((f) => f.endsWith('.ts'));
const importsOf = (file: string): string[] =>
  [...fs.readFileSync(path.join(SRC, file), 'utf8').matchAll(/^(?:import|export)\b[^;]*?from '([^']+)'/gms)].map((m) => m[1]!);

function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === 'done') return undefined;
    if (state.get(n) === 'open') return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 'open');
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      const c = visit(m);
      if (c) return c;
    }
    stack.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of graph.keys()) {
    const c = visit(n);
    if (c) return c;
  }
  return undefined;
}

describe('package structure', () => {
  const graph = new Map(files.map((f) => [f, importsOf(f).filter((s) => s.startsWith('./')).map((s) => `${s.slice(2)}.ts`)]));

  it('reads the imports of every module', () => {
    expect(files.length).toBeGreaterThan(20);
    expect(graph.get('lifecycle.ts')).toContain('random-events.ts');
    expect(findCycle(new Map([['a.ts', ['b.ts']], ['b.ts', ['a.ts']]]))).toEqual(['a.ts', 'b.ts', 'a.ts']);
  });

  it('has no import circle', () => {
    expect(findCycle(graph)).toBeUndefined();
  });

  it('imports only Node built-ins, its own modules and its declared dependencies', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
    const allowed = new Set(Object.keys(pkg.dependencies ?? {}));
    const outside = files.flatMap((f) => importsOf(f).filter((s) => !s.startsWith('./') && !s.startsWith('node:') && !allowed.has(s)).map((s) => `${f}: ${s}`));
    expect(outside).toEqual([]);
  });
});
