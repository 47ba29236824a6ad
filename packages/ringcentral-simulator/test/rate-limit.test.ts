// Throttling like RingCentral's: rolling window per group, 429 + Retry-After + CMN-301, and
// the penalty that restarts on every request made during it. Most tests drive an injected
// wall clock (exact, no sleeping); one runs on real time with a scaled-down window.

import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { RateLimiter } from '../src/rate-limiter';
import type { Simulator } from '../src';
import { get, login, startTestSim, tokenRequest, type Res } from './helpers';

const EXT = '/restapi/v1.0/account/~/extension';
const MSGS = '/restapi/v1.0/account/~/extension/~/message-store';
const CALLS = '/restapi/v1.0/account/~/call-log';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

function fakeWall(start = 1_000_000): { now: () => number; tick: (ms: number) => void } {
  let t = start;
  return { now: () => t, tick: (ms) => void (t += ms) };
}

function expectRateHeaders(r: Res, group: string): void {
  expect(r.headers.get('x-rate-limit-group')).toBe(group);
  expect(Number(r.headers.get('x-rate-limit-limit'))).toBeGreaterThan(0);
  expect(r.headers.get('x-rate-limit-remaining')).toMatch(/^\d+$/);
  expect(Number(r.headers.get('x-rate-limit-window'))).toBeGreaterThanOrEqual(1);
}

describe('rate limits', () => {
  it('puts X-Rate-Limit-* on every kind of response', async () => {
    sim = await startTestSim({ rateLimits: { Light: { limit: 2, windowMs: 60_000 } } });
    const tok = await tokenRequest(sim, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: sim.credentials.jwt });
    expectRateHeaders(tok, 'Auth');
    const bad = await tokenRequest(sim, { grant_type: 'password' });
    expect(bad.status).toBe(400);
    expectRateHeaders(bad, 'Auth');
    const token = tok.body.access_token;
    const responses: Array<[Res, string, number]> = [
      [await get(sim, token, EXT), 'Medium', 200],
      [await get(sim, undefined, EXT), 'Medium', 401],
      [await get(sim, token, '/nope'), 'Light', 404],
      [await get(sim, token, `${CALLS}?perPage=5000`), 'Heavy', 400],
      [await get(sim, token, MSGS), 'Light', 200],
      [await get(sim, token, MSGS), 'Light', 200],
      [await get(sim, token, MSGS), 'Light', 429],
    ];
    for (const [r, group, status] of responses) {
      expect(r.status).toBe(status);
      expectRateHeaders(r, group);
    }
    expect(responses[responses.length - 1]![0].headers.get('x-rate-limit-remaining')).toBe('0');
    expect(responses[4]![0].headers.get('x-rate-limit-remaining')).toBe('1');
  });

  it('429 body, Retry-After, and the penalty restarting on every request during it', async () => {
    const wall = fakeWall();
    sim = await startTestSim({ wallClock: wall.now, rateLimits: { Light: { limit: 3, windowMs: 10_000 } }, penaltyMs: 10_000 });
    const { access_token: token } = await login(sim);
    for (let i = 0; i < 3; i++) expect((await get(sim, token, MSGS)).status).toBe(200);
    const first = await get(sim, token, MSGS);
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('10');
    expect(first.body).toEqual({ errorCode: 'CMN-301', message: 'Request rate exceeded', errors: [{ errorCode: 'CMN-301', message: 'Request rate exceeded' }] });

    // Counting down while nobody asks...
    wall.tick(4_000);
    expect(sim.rateLimits.penaltyRemainingMs('Light')).toBe(6_000);
    // ...but a probe restarts the whole penalty.
    const probe = await get(sim, token, MSGS);
    expect(probe.status).toBe(429);
    expect(probe.headers.get('retry-after')).toBe('10');
    expect(sim.rateLimits.penaltyRemainingMs('Light')).toBe(10_000);
    // 11 s after the first 429 — past the original penalty — still refused: it was restarted at t+4 s.
    wall.tick(7_000);
    expect((await get(sim, token, MSGS)).status).toBe(429);
    // Waiting the full penalty without probing gets you out (window long expired too).
    wall.tick(10_000);
    const ok = await get(sim, token, MSGS);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-rate-limit-remaining')).toBe('2');
    // Penalty time: 4 + 7 + 10 = 21 s of wall time.
    expect(sim.stats().penaltyMs).toBe(21_000);
    expect(sim.stats().throttled).toBe(3);
  });

  it('Retry-After counts down between requests when restarts are off; groups are independent', async () => {
    const wall = fakeWall();
    sim = await startTestSim({
      wallClock: wall.now, penaltyRestarts: false, penaltyMs: 5_000,
      rateLimits: { Heavy: { limit: 1, windowMs: 60_000 }, Light: { limit: 5, windowMs: 60_000 } },
    });
    const { access_token: token } = await login(sim);
    expect((await get(sim, token, CALLS)).status).toBe(200);
    expect((await get(sim, token, CALLS)).headers.get('retry-after')).toBe('5');
    wall.tick(1_500);
    expect((await get(sim, token, CALLS)).headers.get('retry-after')).toBe('4');
    wall.tick(2_000);
    expect((await get(sim, token, CALLS)).headers.get('retry-after')).toBe('2');
    expect((await get(sim, token, MSGS)).status).toBe(200); // Light unaffected by Heavy's penalty
  });

  it('keys on client + user: another app has its own budget; 429-burst fault opens a real penalty', async () => {
    const wall = fakeWall();
    sim = await startTestSim({ wallClock: wall.now, rateLimits: { Medium: { limit: 2, windowMs: 60_000 } } });
    const { access_token: token } = await login(sim);
    sim.faults.add({ kind: '429-burst', match: { group: 'Medium' }, afterRequests: 1 });
    expect((await get(sim, token, EXT)).status).toBe(200);
    const burst = await get(sim, token, EXT);
    expect(burst.status).toBe(429);
    expect(burst.headers.get('retry-after')).toBe('60');
    expect(burst.body.errorCode).toBe('CMN-301');
    expect((await get(sim, token, EXT)).status).toBe(429); // trapped like a real 429
    const s = sim.stats();
    expect(s.faultThrottled).toBe(1);
    expect(s.throttled).toBe(1);
    expect(s.total429).toBe(2);
  });

  it('a 429-burst with retryAfterSec lets a client that honours Retry-After out, and traps one that does not', async () => {
    const wall = fakeWall();
    sim = await startTestSim({ wallClock: wall.now, rateLimits: { Heavy: { limit: 100, windowMs: 60_000 } } });
    const { access_token: token } = await login(sim);
    sim.faults.add({ kind: '429-burst', retryAfterSec: 2, times: 2, match: { path: /call-log/ } });
    const a = await get(sim, token, CALLS);
    expect(a.status).toBe(429);
    expect(a.headers.get('retry-after')).toBe('2');
    wall.tick(2_000);
    expect((await get(sim, token, CALLS)).status).toBe(429); // second burst (times: 2)
    wall.tick(1_000);
    const early = await get(sim, token, CALLS); // probed inside the burst's penalty → full group penalty
    expect(early.status).toBe(429);
    expect(early.headers.get('retry-after')).toBe('60');
    wall.tick(60_000);
    expect((await get(sim, token, CALLS)).status).toBe(200);
    expect(sim.requestLog().filter((e) => e.throttled).length).toBe(1);
  });

  it('real time, scaled-down window (1 s)', async () => {
    sim = await startTestSim({ rateLimits: { Light: { limit: 2, windowMs: 1_000 } } });
    const { access_token: token } = await login(sim);
    expect((await get(sim, token, MSGS)).status).toBe(200);
    expect((await get(sim, token, MSGS)).status).toBe(200);
    const r = await get(sim, token, MSGS);
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('1');
    expect(r.headers.get('x-rate-limit-window')).toBe('1');
    await new Promise((res) => setTimeout(res, 300));
    expect((await get(sim, token, MSGS)).status).toBe(429); // restarts the penalty at ~300 ms
    await new Promise((res) => setTimeout(res, 800));
    expect((await get(sim, token, MSGS)).status).toBe(429); // 1.1 s after the first 429, but only 0.8 s after the probe
    await new Promise((res) => setTimeout(res, 1_200));
    expect((await get(sim, token, MSGS)).status).toBe(200);
    const log = sim.requestLog().filter((e) => e.path.startsWith(MSGS));
    expect(log.map((e) => e.status)).toEqual([200, 200, 429, 429, 429, 200]);
    expect(log.every((e) => e.group === 'Light' && e.clientId === sim!.credentials.clientId && e.ownerId === String(sim!.ownerId))).toBe(true);
    expect(sim.stats().requestsByGroup.Light).toBe(6);
    expect(sim.stats().penaltyMs).toBeGreaterThanOrEqual(2_100);
  });
});

describe('RateLimiter invariants (property)', () => {
  it('never admits more than limit per rolling window; refusals and admissions follow the penalty rule', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 100, max: 2_000 }),
        fc.integer({ min: 50, max: 3_000 }),
        fc.array(fc.integer({ min: 0, max: 700 }), { minLength: 1, maxLength: 120 }),
        (limit, windowMs, penaltyMs, gaps) => {
          let t = 0;
          const rl = new RateLimiter({ Light: { limit, windowMs } }, penaltyMs, true, () => t);
          const admitted: number[] = [];
          let lastRefusal = -Infinity;
          for (const gap of gaps) {
            t += gap;
            const inWindow = admitted.filter((a) => a > t - windowMs).length;
            const d = rl.hit('k', 'Light');
            if (d.allowed) {
              expect(t - lastRefusal).toBeGreaterThanOrEqual(penaltyMs); // no admission inside a (restarted) penalty
              expect(inWindow).toBeLessThan(limit);
              expect(d.remaining).toBe(limit - inWindow - 1);
              admitted.push(t);
            } else {
              // refused only when the window is full or a penalty (restarted by the last refusal) runs
              expect(inWindow >= limit || t - lastRefusal < penaltyMs).toBe(true);
              expect(d.retryAfterSec).toBe(Math.ceil(penaltyMs / 1000));
              lastRefusal = t;
            }
          }
        },
      ),
      { numRuns: 300, seed: 17 },
    );
  });
});
