// Paging walks every record exactly once: following navigation.nextPage over random windows,
// page sizes and filters yields exactly the ground truth for the window, in order.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src';
import { DAY, get, iso, login, startTestSim, walkPages } from './helpers';

let sim: Simulator;
let token: string;
let now: number;
beforeAll(async () => {
  sim = await startTestSim({ seed: 11, extensions: 60, days: 6, eventsPerDay: 2, callsPerExtensionPerDay: 6 });
  token = (await login(sim)).access_token;
  now = sim.clock.now();
});
afterAll(() => sim.close());

const subset = <T>(xs: readonly T[]) => fc.subarray([...xs], { minLength: 0 });

describe('call-log paging', () => {
  it('union of pages = truth for the window; no duplicates; sorted; boundaries respected', async () => {
    let seen = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 7 * 24 * 60 }), // window start, minutes before now (may precede history)
        fc.integer({ min: 1, max: 2 * 24 * 60 }), // window length, minutes
        fc.integer({ min: 4, max: 250 }),
        subset(['Voice', 'Fax'] as const),
        subset(['Inbound', 'Outbound'] as const),
        fc.boolean(),
        async (startMin, lenMin, perPage, types, directions, showDeleted) => {
          const from = now - startMin * 60_000;
          const to = from + lenMin * 60_000;
          const q = new URLSearchParams({ dateFrom: iso(from), dateTo: iso(to), perPage: String(perPage), showDeleted: String(showDeleted) });
          types.forEach((t) => q.append('type', t));
          directions.forEach((d) => q.append('direction', d));
          const pages = await walkPages(sim, token, `/restapi/v1.0/account/~/call-log?${q}`);
          const got = pages.flatMap((p) => p.records);
          seen += got.length;
          const truth = sim.truth.callLog({
            from, to, showDeleted, types: types.length ? [...types] : undefined, directions: directions.length ? [...directions] : undefined,
          });
          expect(got.map((r) => r.id)).toEqual(truth.map((r) => r.id));
          expect(new Set(got.map((r) => r.id)).size).toBe(got.length);
          for (let i = 1; i < got.length; i++) expect(Date.parse(got[i - 1].startTime)).toBeGreaterThanOrEqual(Date.parse(got[i].startTime));
          for (const r of got) {
            const t = Date.parse(r.startTime);
            expect(t >= from && t < to).toBe(true);
            expect(t + r.duration * 1000 + 30_000).toBeLessThanOrEqual(now);
            if (!showDeleted) expect(r.deleted).toBeUndefined();
          }
          // Every page but the last is full; the last has no nextPage.
          pages.slice(0, -1).forEach((p) => expect(p.records.length).toBe(perPage));
          expect(pages[pages.length - 1].navigation.nextPage).toBeUndefined();
          pages.forEach((p, i) => {
            expect(p.paging.page).toBe(i + 1);
            if (p.records.length) expect(p.paging.pageStart).toBe(i * perPage);
          });
        },
      ),
      { numRuns: 40, seed: 4242 },
    );
    expect(seen).toBeGreaterThan(2000); // the property was exercised on real volumes
  });

  it('stays exact while the clock moves across midnight (cached day counts only for settled days)', async () => {
    const s2 = await startTestSim({ seed: 12, extensions: 80, days: 3, callsPerExtensionPerDay: 8, now: '2025-06-03T00:10:00Z' });
    try {
      const t2 = (await login(s2)).access_token;
      const from = Date.parse('2025-06-01T00:00:00Z');
      for (let step = 0; step < 10; step++) {
        const pages = await walkPages(s2, t2, `/restapi/v1.0/account/~/call-log?perPage=37&dateFrom=${iso(from)}&dateTo=${iso(s2.clock.now())}`);
        const got = pages.flatMap((p) => p.records.map((r: any) => r.id));
        expect(got).toEqual(s2.truth.callLog({ from, to: s2.clock.now() }).map((r) => r.id));
        s2.clock.advance(23 * 60_000);
      }
    } finally {
      await s2.close();
    }
  });

  it('defaults: dateTo = now, dateFrom = dateTo − 24 h', async () => {
    const r = await get(sim, token, '/restapi/v1.0/account/~/call-log?perPage=1000');
    expect(r.body.records.map((x: any) => x.id)).toEqual(sim.truth.callLog({ from: now - DAY, to: now }).map((x) => x.id));
  });
});

describe('message-store and extension paging', () => {
  it('message store pages cover the mailbox window exactly once (totals agree)', async () => {
    const exts = sim.truth.extensions().filter((e: any) => e.type === 'User' && e.status === 'Enabled').slice(0, 3);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...exts.map((e: any) => e.id as number)), fc.integer({ min: 1, max: 6 * 24 }), fc.integer({ min: 1, max: 40 }),
        async (id, hours, perPage) => {
          const from = now - hours * 3_600_000;
          const q = `availability=Alive&availability=Deleted&availability=Purged&dateFrom=${iso(from)}&perPage=${perPage}`;
          const pages = await walkPages(sim, token, `/restapi/v1.0/account/~/extension/${id}/message-store?${q}`);
          const ids = pages.flatMap((p) => p.records.map((r: any) => r.id));
          const truth = sim.truth.messages(id, { from, to: now + 1, availability: ['Alive', 'Deleted', 'Purged'] }).map((m) => m.id);
          expect(ids).toEqual(truth);
          expect(pages[0].paging.totalElements).toBe(truth.length);
          expect(pages[0].paging.totalPages).toBe(Math.ceil(truth.length / perPage));
        }),
      { numRuns: 15, seed: 7 },
    );
  });

  it('extension list: perPage clamps at 1000, pages partition the list', async () => {
    const big = await get(sim, token, '/restapi/v1.0/account/~/extension?perPage=5000');
    expect(big.body.paging.perPage).toBe(1000);
    const max = await get(sim, token, '/restapi/v1.0/account/~/directory/entries?perPage=max');
    expect(max.body.paging.perPage).toBe(2000);
    for (const perPage of [1, 4, 7, 30, 31]) {
      const pages = await walkPages(sim, token, `/restapi/v1.0/account/~/extension?perPage=${perPage}`);
      expect(pages.flatMap((p) => p.records)).toEqual(sim.truth.extensions());
      expect(pages[pages.length - 1].navigation.lastPage.uri).toContain(`page=${pages.length}`);
    }
  });
});
