/**
 * The governor uses the budget: against the simulator's limiter (the server's view) and real
 * Postgres, one or three governors (each with its own pool and RingCentral session, as worker
 * processes have) keep a group busy at >= 0.9 of its limit with no request refused, at the
 * default shape (Heavy 10 per 60 s) and at a small custom limit (3 per 10 s), windows scaled
 * down to 2 s so that a test sees many of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from 'ringcentral-simulator';
import { rateUsage } from '../../bench/rate-usage';
import { RateGovernor, RateLimitWait } from '../../src/ratelimit/governor';
import { RingCentralClients } from '../../src/ringcentral/client';
import { createPool, type Pool } from '../../src/warehouse/db';
import { testDatabase } from '../support/stack';

const CALL_LOG = '/restapi/v1.0/account/~/call-log';

const SHAPES = [
  { name: 'default Heavy 10 per 60 s', rateLimits: {}, scale: 1 / 30, limit: 10 },
  { name: 'custom Heavy 3 per 10 s', rateLimits: { Heavy: { limit: 3, windowMs: 10_000 } }, scale: 0.2, limit: 3 },
];
const WINDOW_MS = 2_000;

/** `instances` governors pull the call log for `windows` windows; returns the simulator's request log. */
async function saturate(sim: Simulator, dbUrl: string, pools: Pool[], account: string, instances: number, windows: number) {
  const accounts = new Map([[account, { key: account, serverUrl: sim.url, ...sim.credentials }]]);
  const deadline = Date.now() + windows * WINDOW_MS;
  await Promise.all(
    Array.from({ length: instances }, async () => {
      const pool = createPool(dbUrl, 3);
      pools.push(pool);
      const rc = new RingCentralClients(accounts, { governor: new RateGovernor(pool) }).forAccount(account);
      for (let page = 1; Date.now() < deadline; page++) {
        try {
          await rc.get('Heavy', CALL_LOG, { perPage: 1, page: (page % 20) + 1 });
        } catch (err) {
          if (!(err instanceof RateLimitWait)) throw err;
          await new Promise((r) => setTimeout(r, Math.min(err.waitMs, deadline - Date.now())));
        }
      }
    }),
  );
  return sim.requestLog();
}

describe('a governor that uses the budget', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  const pools: Pool[] = [];
  beforeAll(async () => {
    db = await testDatabase();
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
    await db?.drop();
  });

  for (const shape of SHAPES) {
    for (const instances of [1, 3]) {
      it(`${shape.name}, ${instances} governor${instances > 1 ? 's' : ''}: >= 0.9 of the limit, no 429`, async () => {
        const sim = await startSimulator({ seed: 5, extensions: 4, days: 1, clockSpeed: 0, eventsPerDay: 0, rateLimits: shape.rateLimits, rateWindowScale: shape.scale });
        try {
          expect(sim.rateLimits.limits.Heavy).toEqual({ limit: shape.limit, windowMs: WINDOW_MS });
          const log = await saturate(sim, db.url, pools, `util-${shape.limit}-${instances}`, instances, 6);
          const usage = rateUsage(log, 'Heavy', shape.limit, WINDOW_MS);
          expect(usage.refused).toBe(0);
          expect(log.filter((r) => r.status === 429)).toEqual([]); // Auth included
          expect(usage.utilisation, JSON.stringify(usage)).toBeGreaterThanOrEqual(0.9);
          expect(usage.utilisation).toBeLessThanOrEqual(1.02); // the measure is sound: a rolling window caps it at 1
        } finally {
          await sim.close();
        }
      }, 60_000);
    }
  }

  it('another client of the same user+app spending the budget: Remaining reveals it and the governors leave it its share, no 429', async () => {
    const sim = await startSimulator({ seed: 6, extensions: 4, days: 1, clockSpeed: 0, eventsPerDay: 0, rateWindowScale: 1 / 30 });
    try {
      // Same app and user, but not governed with us: its own budget row under another key.
      const credentials = { key: 'someone-else', serverUrl: sim.url, ...sim.credentials };
      const other = new RingCentralClients(new Map([[credentials.key, credentials]]), { governor: new RateGovernor(db.pool) }).forAccount(credentials.key);
      for (let i = 0; i < 6; i++) await other.get('Heavy', CALL_LOG, { perPage: 1 });
      const burst = sim.requestLog().filter((r) => r.group === 'Heavy');
      const burstStart = Math.min(...burst.map((r) => r.time - r.durationMs));
      const burstEnd = Math.max(...burst.map((r) => r.time));
      const log = await saturate(sim, db.url, pools, 'util-shared', 3, 3);
      expect(log.filter((r) => r.status === 429)).toEqual([]);
      // While the other client's six were in the server's window, ours kept to the four left.
      const oursMeanwhile = log.filter((r) => r.group === 'Heavy' && r.time > burstEnd && r.time - r.durationMs < burstStart + WINDOW_MS);
      expect(oursMeanwhile.length).toBeGreaterThan(0);
      expect(oursMeanwhile.length).toBeLessThanOrEqual(4);
    } finally {
      await sim.close();
    }
  }, 60_000);
});
