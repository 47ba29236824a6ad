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

  it('three workers sharing one budget use all of it, and never more, in any window', async () => {
    const governors = [0, 1, 2].map(() => {
      const pool = createPool(db.url, 4);
      extraPools.push(pool);
      return new RateGovernor(pool);
    });
    await governors[0].observe('acct', 'Heavy', { limit: 10, remaining: 10, windowMs: 500 });
    const grants: number[] = [];
    const deadline = Date.now() + 2_000;
    await Promise.all(
      governors.map(async (g) => {
        while (Date.now() < deadline) {
          const { waitMs, ticket } = await g.tryAcquire('acct', 'Heavy');
          if (ticket === undefined) {
            await new Promise((r) => setTimeout(r, Math.min(waitMs, 50)));
            continue;
          }
          await new Promise((r) => setTimeout(r, Math.random() * 20)); // the request's latency
          await g.release('acct', 'Heavy', ticket);
          grants.push(ticket);
        }
      }),
    );
    const tickets = grants.map((t) => t / 1000).sort((a, b) => a - b);
    // All ten slots at once (the old fixed 10% margin stopped at nine) ...
    expect(tickets[9] - tickets[0]).toBeLessThan(400);
    // ... and the eleventh only after a window, on the database's clock (the tickets).
    for (let i = 0; i + 10 < tickets.length; i++) expect(tickets[i + 10] - tickets[i]).toBeGreaterThanOrEqual(500);
    expect(grants.length).toBeGreaterThanOrEqual(30); // ~40 possible in 2 s of 500 ms windows
  });

  it('a small custom limit is used in full: 3 per window, not 2', async () => {
    const g = new RateGovernor(db.pool);
    await g.observe('acct-small', 'Heavy', { limit: 3, remaining: 3, windowMs: 10_000 });
    const grants = [await g.tryAcquire('acct-small', 'Heavy'), await g.tryAcquire('acct-small', 'Heavy'), await g.tryAcquire('acct-small', 'Heavy')];
    expect(grants.map((x) => x.waitMs)).toEqual([0, 0, 0]);
    expect((await g.tryAcquire('acct-small', 'Heavy')).waitMs).toBeGreaterThan(9_000);
  });

  it('an answered slot frees one window after its answer; an unanswered one (a dead worker) only after the longest request too', async () => {
    const g = new RateGovernor(db.pool, { maxInFlightMs: 1_500 });
    await g.observe('acct-free', 'Heavy', { limit: 2, remaining: 2, windowMs: 400 });
    const answered = (await g.tryAcquire('acct-free', 'Heavy')).ticket!;
    expect((await g.tryAcquire('acct-free', 'Heavy')).ticket).toBeDefined(); // never answered
    await g.observe('acct-free', 'Heavy', { limit: 2, remaining: 0, windowMs: 400 }, answered);
    const wait = (await g.tryAcquire('acct-free', 'Heavy')).waitMs;
    expect(wait).toBeGreaterThan(300);
    expect(wait).toBeLessThanOrEqual(400);
    await new Promise((r) => setTimeout(r, wait + 20));
    expect((await g.tryAcquire('acct-free', 'Heavy')).ticket).toBeDefined();
    // Two slots busy again: the new one and the unanswered one, which holds on for 1.5 s + a window.
    expect((await g.tryAcquire('acct-free', 'Heavy')).waitMs).toBeGreaterThan(1_000);
  });

  it('X-Rate-Limit-Remaining reveals other clients of the same user+app; our own requests in flight are not mistaken for them', async () => {
    const g = new RateGovernor(db.pool);
    await g.observe('acct-cal', 'Heavy', { limit: 10, remaining: 10, windowMs: 60_000 });
    // Three of ours in flight at once; the server counted all three when it answered the first.
    const tickets = [0, 1, 2].map(() => 0);
    for (let i = 0; i < 3; i++) tickets[i] = (await g.tryAcquire('acct-cal', 'Heavy')).ticket!;
    await g.observe('acct-cal', 'Heavy', { limit: 10, remaining: 7, windowMs: 60_000 }, tickets[0]);
    await g.observe('acct-cal', 'Heavy', { limit: 10, remaining: 7, windowMs: 60_000 }, tickets[1]);
    await g.observe('acct-cal', 'Heavy', { limit: 10, remaining: 7, windowMs: 60_000 }, tickets[2]);
    const { rows } = await db.pool.query(`SELECT foreign_used FROM ringcentral.rate_budget WHERE account_id = 'acct-cal' AND rate_group = 'Heavy'`);
    expect(rows[0].foreign_used).toBe(0);
    // Someone else spent four: the server says 3 left after our fourth. We keep to the 2 left.
    const fourth = (await g.tryAcquire('acct-cal', 'Heavy')).ticket!;
    await g.observe('acct-cal', 'Heavy', { limit: 10, remaining: 2, windowMs: 60_000 }, fourth);
    expect((await g.tryAcquire('acct-cal', 'Heavy')).waitMs).toBe(0);
    expect((await g.tryAcquire('acct-cal', 'Heavy')).waitMs).toBe(0);
    expect((await g.tryAcquire('acct-cal', 'Heavy')).waitMs).toBeGreaterThan(50_000);
  });

  it('after a 429 nothing is granted in that group until Retry-After has passed; other groups are unaffected', async () => {
    const g = new RateGovernor(db.pool);
    await g.penalize('acct2', 'Light', 1_500);
    const wait = (await g.tryAcquire('acct2', 'Light')).waitMs;
    expect(wait).toBeGreaterThan(1_000);
    expect(wait).toBeLessThanOrEqual(1_500);
    expect((await g.tryAcquire('acct2', 'Medium')).waitMs).toBe(0);
    await expect(acquireSlot(g, 'acct2', 'Light', { maxInlineWaitMs: 100 })).rejects.toBeInstanceOf(RateLimitWait);
    await new Promise((r) => setTimeout(r, wait + 50));
    expect((await g.tryAcquire('acct2', 'Light')).waitMs).toBe(0);
  });

  it('learns limits from headers, and a spent budget (another app) pauses the group', async () => {
    const g = new RateGovernor(db.pool);
    await g.observe('acct3', 'Medium', { limit: 2, remaining: 2, windowMs: 60_000 });
    expect((await g.tryAcquire('acct3', 'Medium')).waitMs).toBe(0);
    expect((await g.tryAcquire('acct3', 'Medium')).waitMs).toBe(0);
    expect((await g.tryAcquire('acct3', 'Medium')).waitMs).toBeGreaterThan(50_000);
    await g.observe('acct3', 'Light', { limit: 50, remaining: 0, windowMs: 60_000 });
    expect((await g.tryAcquire('acct3', 'Light')).waitMs).toBeGreaterThan(50_000);
  });

  it('group names that differ only in case share one budget row (a server answering `light` is the Light budget)', async () => {
    const g = new RateGovernor(db.pool);
    const headers = parseRateHeaders((h) => ({ 'x-rate-limit-group': 'light', 'x-rate-limit-limit': '3', 'x-rate-limit-remaining': '3', 'x-rate-limit-window': '60' })[h] ?? null);
    expect(headers?.group).toBe('Light');
    // Before the first response the route is budgeted under the documented name ...
    expect((await g.tryAcquire('acct4', 'Light')).waitMs).toBe(0);
    // ... after it, under whatever spelling the server used: still the same budget.
    await g.observe('acct4', 'light', { limit: 3, remaining: 3, windowMs: 60_000 });
    expect((await g.tryAcquire('acct4', 'light')).waitMs).toBe(0);
    expect((await g.tryAcquire('acct4', 'LIGHT')).waitMs).toBe(0);
    expect((await g.tryAcquire('acct4', 'Light')).waitMs).toBeGreaterThan(50_000);
    await g.penalize('acct4', 'medium', 30_000);
    expect((await g.tryAcquire('acct4', 'Medium')).waitMs).toBeGreaterThan(20_000);
    const { rows } = await db.pool.query<{ rate_group: string; requests: number }>(
      `SELECT rate_group, requests FROM ringcentral.rate_budget WHERE account_id = 'acct4' ORDER BY rate_group`,
    );
    expect(rows).toEqual([
      { rate_group: 'Light', requests: 3 },
      { rate_group: 'Medium', requests: 0 },
    ]);
  });
});

