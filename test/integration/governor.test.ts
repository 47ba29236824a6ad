/** The rate governor on real Postgres: shared budgets, penalties and learnt limits. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireSlot, parseRateHeaders, RateGovernor, RateLimitWait } from '../../src/ratelimit/governor';
import { createPool, type Pool } from '../../src/warehouse/db';
import { testDatabase } from '../support/stack';

describe('rate governor', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  const extraPools: Pool[] = [];
  beforeAll(async () => {
    db = await testDatabase();
  });
  afterAll(async () => {
    await Promise.all(extraPools.map((p) => p.end()));
    await db?.drop();
  });

  it('three workers sharing one budget never exceed the allowed count in any window', async () => {
    const governors = [0, 1, 2].map(() => {
      const pool = createPool(db.url, 4);
      extraPools.push(pool);
      return new RateGovernor(pool, { safetyMargin: 0.1, slackMs: 0 });
    });
    await governors[0].observe('acct', 'Heavy', { limit: 10, remaining: 10, windowMs: 500 });
    const grants: number[] = [];
    const deadline = Date.now() + 2_000;
    await Promise.all(
      governors.map(async (g) => {
        while (Date.now() < deadline) {
          const wait = await g.tryAcquire('acct', 'Heavy');
          if (wait === 0) grants.push(Date.now());
          else await new Promise((r) => setTimeout(r, Math.min(wait, 50)));
        }
      }),
    );
    grants.sort((a, b) => a - b);
    expect(grants.length).toBeGreaterThanOrEqual(27); // 9 per 500 ms over 2 s: the budget is used, not wasted
    // Grant times are taken after the database granted, so allow a few ms of skew per window.
    for (let i = 0; i + 9 < grants.length; i++) expect(grants[i + 9] - grants[i]).toBeGreaterThanOrEqual(480);
  });

  it('after a 429 nothing is granted in that group until Retry-After has passed; other groups are unaffected', async () => {
    const g = new RateGovernor(db.pool);
    await g.penalize('acct2', 'Light', 1_500);
    const wait = await g.tryAcquire('acct2', 'Light');
    expect(wait).toBeGreaterThan(1_000);
    expect(wait).toBeLessThanOrEqual(1_500);
    expect(await g.tryAcquire('acct2', 'Medium')).toBe(0);
    await expect(acquireSlot(g, 'acct2', 'Light', { maxInlineWaitMs: 100 })).rejects.toBeInstanceOf(RateLimitWait);
    await new Promise((r) => setTimeout(r, wait + 50));
    expect(await g.tryAcquire('acct2', 'Light')).toBe(0);
  });

  it('learns limits from headers, and a spent budget (another app) pauses the group', async () => {
    const g = new RateGovernor(db.pool, { safetyMargin: 0 });
    await g.observe('acct3', 'Medium', { limit: 2, remaining: 1, windowMs: 60_000 });
    expect(await g.tryAcquire('acct3', 'Medium')).toBe(0);
    expect(await g.tryAcquire('acct3', 'Medium')).toBe(0);
    expect(await g.tryAcquire('acct3', 'Medium')).toBeGreaterThan(50_000);
    await g.observe('acct3', 'Light', { limit: 50, remaining: 0, windowMs: 60_000 });
    expect(await g.tryAcquire('acct3', 'Light')).toBeGreaterThan(50_000);
  });

  it('group names that differ only in case share one budget row (a server answering `light` is the Light budget)', async () => {
    const g = new RateGovernor(db.pool, { safetyMargin: 0 });
    const headers = parseRateHeaders((h) => ({ 'x-rate-limit-group': 'light', 'x-rate-limit-limit': '3', 'x-rate-limit-remaining': '3', 'x-rate-limit-window': '60' })[h] ?? null);
    expect(headers?.group).toBe('Light');
    // Before the first response the route is budgeted under the documented name ...
    expect(await g.tryAcquire('acct4', 'Light')).toBe(0);
    // ... after it, under whatever spelling the server used: still the same budget.
    await g.observe('acct4', 'light', { limit: 3, remaining: 3, windowMs: 60_000 });
    expect(await g.tryAcquire('acct4', 'light')).toBe(0);
    expect(await g.tryAcquire('acct4', 'LIGHT')).toBe(0);
    expect(await g.tryAcquire('acct4', 'Light')).toBeGreaterThan(50_000);
    await g.penalize('acct4', 'medium', 30_000);
    expect(await g.tryAcquire('acct4', 'Medium')).toBeGreaterThan(20_000);
    const { rows } = await db.pool.query<{ rate_group: string; requests: number }>(
      `SELECT rate_group, requests FROM ringcentral.rate_budget WHERE account_id = 'acct4' ORDER BY rate_group`,
    );
    expect(rows).toEqual([
      { rate_group: 'Light', requests: 3 },
      { rate_group: 'Medium', requests: 0 },
    ]);
  });
});
