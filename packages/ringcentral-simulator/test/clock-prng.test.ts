// Simulated clock modes and the PRNG helpers everything else rests on.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimClock } from '../src/clock';
import { Rng, base62, hash32 } from '../src/prng';
import { startTestSim } from './helpers';

describe('SimClock', () => {
  it('frozen by default; advance and set move it', () => {
    const c = new SimClock(1_000);
    expect(c.now()).toBe(1_000);
    expect(c.advance(500)).toBe(1_500);
    expect(c.set('1970-01-01T00:00:05.000Z')).toBe(5_000);
    expect(c.set(new Date(7_000))).toBe(7_000);
    expect(() => c.advance(-1)).toThrow();
    expect(() => c.set('nope')).toThrow();
  });

  it('with a speed it follows (scaled) wall time', () => {
    let wall = 0;
    const c = new SimClock(1_000_000, 60, () => wall);
    wall += 1_000;
    expect(c.now()).toBe(1_060_000);
    c.advance(1);
    wall += 10;
    expect(c.now()).toBe(1_060_601);
  });

  it('a running simulator serves newer data as (wall) time passes', async () => {
    let wall = 10_000_000;
    const sim = await startTestSim({ seed: 3, clockSpeed: 60, wallClock: () => wall, callsPerExtensionPerDay: 20 });
    try {
      const t0 = sim.clock.now();
      const before = sim.truth.callLog({ from: t0 - 3_600_000, to: t0 + 3_600_000 }).length;
      wall += 60_000; // one real minute = one simulated hour
      expect(sim.clock.now()).toBe(t0 + 3_600_000);
      expect(sim.truth.callLog({ from: t0 - 3_600_000, to: t0 + 3_600_000 }).length).toBeGreaterThan(before);
    } finally {
      await sim.close();
    }
  });
});

describe('prng', () => {
  it('is a pure function of its seed and spreads values', () => {
    fc.assert(fc.property(fc.integer(), fc.string(), (n, s) => {
      const a = Rng.of(n, s);
      const b = Rng.of(n, s);
      const xs = Array.from({ length: 8 }, () => a.next());
      expect(xs).toEqual(Array.from({ length: 8 }, () => b.next()));
      expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    }));
    expect(hash32(1, 'x')).not.toBe(hash32(2, 'x'));
    expect(hash32(2 ** 40)).not.toBe(hash32(2 ** 40 + 2 ** 33)); // high bits matter
    const r = new Rng(1);
    const mean = Array.from({ length: 20_000 }, () => r.next()).reduce((s, x) => s + x, 0) / 20_000;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
    const p = new Rng(2);
    const pm = Array.from({ length: 5_000 }, () => p.poisson(3.5)).reduce((s, x) => s + x, 0) / 5_000;
    expect(Math.abs(pm - 3.5)).toBeLessThan(0.15);
    expect(base62(61, 2)).toBe('0z');
  });
});
