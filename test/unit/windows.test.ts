import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitWindows, windowsOf } from '../../src/workflows/windows';

describe('splitWindows', () => {
  const base = Date.parse('2025-01-01T00:00:00Z');
  it('tiles [from, to) exactly: contiguous, non-empty, ordered, none larger than the size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 10 }), fc.integer({ min: 1, max: 10 ** 9 }), fc.integer({ min: 1, max: 10 ** 9 }), (offset, length, sizeSeed) => {
        const size = Math.max(sizeSeed, Math.ceil(length / 2000)); // keep each case to a few thousand windows
        const from = new Date(base + offset).toISOString();
        const to = new Date(base + offset + length).toISOString();
        const windows = splitWindows(from, to, size);
        expect(windows[0].from).toBe(from);
        expect(windows.at(-1)!.to).toBe(to);
        for (let i = 0; i < windows.length; i++) {
          const w = windows[i];
          expect(Date.parse(w.to) - Date.parse(w.from)).toBeGreaterThan(0);
          expect(Date.parse(w.to) - Date.parse(w.from)).toBeLessThanOrEqual(size);
          if (i > 0) expect(w.from).toBe(windows[i - 1].to);
        }
        expect(windows.length).toBe(Math.ceil(length / size));
      }),
    );
  });

  it('returns nothing for an empty or reversed range and rejects bad input', () => {
    expect(splitWindows('2025-01-02T00:00:00Z', '2025-01-01T00:00:00Z', 1000)).toEqual([]);
    expect(() => splitWindows('yesterday', '2025-01-01T00:00:00Z', 1000)).toThrow(/Invalid window/);
    expect(() => splitWindows('2025-01-01T00:00:00Z', '2025-01-02T00:00:00Z', 0)).toThrow(/positive/);
  });
});

describe('windowsOf', () => {
  const base = Date.parse('2025-01-01T00:00:00Z');
  it('without a size, the whole range is one window (the page-size optimum); with one, the same tiles as splitWindows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 10 }), fc.integer({ min: -(10 ** 9), max: 10 ** 9 }), fc.integer({ min: 10 ** 6, max: 10 ** 9 }), (offset, length, size) => {
        const range = { from: new Date(base + offset).toISOString(), to: new Date(base + offset + length).toISOString() };
        expect(windowsOf(range)).toEqual(length > 0 ? [range] : []);
        expect(windowsOf(range, size)).toEqual(splitWindows(range.from, range.to, size));
      }),
    );
  });
});
