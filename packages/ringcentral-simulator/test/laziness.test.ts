// Big accounts are cheap: nothing is generated up front, and paging one day touches one day.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src';
import { DAY, get, iso, login, startTestSim, walkPages } from './helpers';

describe('10,000 extensions × 30 days', () => {
  let sim: Simulator;
  let token: string;
  beforeAll(async () => {
    sim = await startTestSim({ seed: 1, extensions: 10_000, days: 30, eventsPerDay: 2, callDayCache: 4 });
    token = (await login(sim)).access_token;
  });
  afterAll(() => sim.close());

  it('starts without generating any calls or messages', () => {
    expect(sim.generation()).toMatchObject({ callDaysGenerated: 0, callDayCacheSize: 0, messageDaysGenerated: 0 });
    expect(sim.generation().extensions).toBeGreaterThanOrEqual(10_000);
  });

  it('a one-day window pages completely while generating only that day', async () => {
    const to = Date.parse('2025-05-29T00:00:00Z');
    const q = `perPage=1000&dateFrom=${iso(to - DAY)}&dateTo=${iso(to)}`;
    const pages = await walkPages(sim, token, `/restapi/v1.0/account/~/call-log?${q}`);
    const ids = pages.flatMap((p) => p.records.map((r: any) => r.id));
    expect(ids.length).toBeGreaterThan(30_000); // a weekday of ~10k users
    expect(new Set(ids).size).toBe(ids.length);
    const g = sim.generation();
    expect(g.callDaysGenerated).toBe(1);
    expect(g.callDayCacheSize).toBeLessThanOrEqual(4);
    expect(g.messageDaysGenerated).toBe(0);
  });

  it('far pages use per-day counts; evicted days regenerate identically', async () => {
    const now = sim.clock.now();
    const page = (n: number) => get(sim, token, `/restapi/v1.0/account/~/call-log?perPage=1000&dateFrom=${iso(now - 30 * DAY)}&page=${n}`);
    const far = await page(800);
    expect(far.body.records.length).toBe(1000);
    expect(far.body.navigation.nextPage).toBeDefined();
    const g1 = sim.generation();
    expect(g1.callDayCacheSize).toBeLessThanOrEqual(4);
    for (const n of [1, 150, 300, 450, 600]) expect((await page(n)).status).toBe(200);
    const again = await page(800);
    const g2 = sim.generation();
    expect(g2.callDaysGenerated).toBeGreaterThan(g1.callDaysGenerated + 4); // the far days were evicted and rebuilt
    expect(g2.callDayCacheSize).toBeLessThanOrEqual(4);
    expect(again.text).toBe(far.text);
    expect(process.memoryUsage().heapUsed).toBeLessThan(1.5e9);
  });
});
