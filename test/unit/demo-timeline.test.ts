/**
 * The demo's timeline, for any hour it is run: the script ends before the wall clock, and the
 * newcomer with the recycled number is first listed (sync 2) at 15:00 UTC on a weekday, inside
 * the simulator's busy hours, so the demo's "calls after it" is never an empty night.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demoStart, SYNC_STEP } from '../../src/demo/timeline';

const HOUR = 3_600_000;

describe('demo timeline', () => {
  it('ends before the wall clock, sync 2 at 15:00 UTC on a weekday, at most a few days back', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 0, 1) }), fc.integer({ min: 2, max: 8 }), (wall, syncs) => {
        const start = demoStart(wall, syncs).getTime();
        const scriptEnd = start + (syncs + 2) * SYNC_STEP;
        expect(scriptEnd).toBeLessThanOrEqual(wall);
        const sync2 = new Date(start + 2 * SYNC_STEP + 2 * HOUR);
        expect(sync2.getUTCHours()).toBe(15);
        expect(sync2.getUTCMinutes()).toBe(0);
        expect([0, 6]).not.toContain(sync2.getUTCDay());
        // The next sync (the window's end) is still in the busy hours.
        expect(sync2.getUTCHours() + SYNC_STEP / HOUR).toBeLessThanOrEqual(23);
        expect(wall - start).toBeLessThan(4 * 24 * HOUR + (syncs + 2) * SYNC_STEP);
      }),
      { numRuns: 500 },
    );
  });
});
