// GET /restapi (readAPIVersions): x-auth-required false, x-throttling-group NoThrottling. The
// product reads the server's clock from its Date header, so it must be free: no auth, no budget
// spent in any group, never a 429, yet visible in the request log like any API request.

import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../src';
import { JWT_GRANT, basic, get, http, login, startTestSim, tokenRequest, type Res } from './helpers';

const RATE_HEADERS = ['x-rate-limit-group', 'x-rate-limit-limit', 'x-rate-limit-remaining', 'x-rate-limit-window'];
const EXT = '/restapi/v1.0/account/~/extension';
const CALLS = '/restapi/v1.0/account/~/call-log';

const dateOf = (r: Res): number => Date.parse(r.headers.get('date')!);
const remaining = (r: Res): number => Number(r.headers.get('x-rate-limit-remaining'));

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('GET /restapi (api-versions)', () => {
  it('answers 200 without auth or with any bearer, with no X-Rate-Limit-* headers; a wrong method is 405', async () => {
    sim = await startTestSim();
    const { access_token } = await login(sim);
    for (const auth of [undefined, access_token, 'not-a-token', `SIM${'A'.repeat(32)}`]) {
      const r = await get(sim, auth, '/restapi');
      expect(r.status).toBe(200);
      expect(r.body.uri).toBe(`${sim.url}/restapi`);
      for (const h of RATE_HEADERS) expect(r.headers.get(h)).toBeNull();
    }
    const basicAuth = await http(`${sim.url}/restapi/`, { headers: { Authorization: basic(sim) } });
    expect(basicAuth.status).toBe(200);
    const post = await http(`${sim.url}/restapi`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
  });

  it('property: its Date header is the simulated clock, wherever the clock is moved', async () => {
    sim = await startTestSim();
    const s = sim;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 400 * 86_400_000 }), async (ms) => {
        s.clock.advance(ms);
        const r = await get(s, undefined, '/restapi');
        expect(r.status).toBe(200);
        // The clock is frozen (clockSpeed 0): the header is exactly now, to the second.
        expect(r.headers.get('date')).toBe(new Date(s.clock.now()).toUTCString());
      }),
      { numRuns: 20 },
    );
    expect(Math.abs(s.clock.now() - Date.now())).toBeGreaterThan(86_400_000);
  });

  it('a running simulated clock (100× wall time) is read between the clock before and after the request', async () => {
    sim = await startTestSim({ clockSpeed: 100 });
    for (let i = 0; i < 5; i++) {
      const before = sim.clock.now();
      const r = await get(sim, undefined, '/restapi');
      const after = sim.clock.now();
      expect(r.status).toBe(200);
      // The header has whole seconds: compare to the second the clock was in before the request.
      expect(dateOf(r)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      expect(dateOf(r)).toBeLessThanOrEqual(after);
    }
  });

  it('a burst of 200 is never throttled, spends no Light/Medium/Heavy/Auth budget, and is in the request log', async () => {
    const limits = { limit: 5, windowMs: 60_000 };
    sim = await startTestSim({ rateLimits: { Light: limits, Medium: limits, Heavy: limits, Auth: limits } });
    const s = sim;
    const { access_token } = await login(s); // Auth: 1 of 5
    const ext = await get(s, access_token, `${EXT}/~`); // Light: 1 of 5
    expect(remaining(ext)).toBe(4);
    const statsBefore = s.stats();

    // Anonymous, the app's user (the key every budget is counted on) and the app's Basic credentials.
    const auths: Array<Record<string, string>> = [{}, { Authorization: `Bearer ${access_token}` }, { Authorization: basic(s) }];
    const burst = await Promise.all(Array.from({ length: 200 }, (_, i) => http(`${s.url}/restapi`, { headers: auths[i % auths.length] })));
    expect(burst.map((r) => r.status)).toEqual(Array(200).fill(200));

    expect(remaining(await get(s, access_token, `${EXT}/~`))).toBe(3);
    expect(remaining(await get(s, access_token, `${EXT}?perPage=1`))).toBe(4);
    expect(remaining(await get(s, access_token, `${CALLS}?perPage=1`))).toBe(4);
    const relogin = await tokenRequest(s, { grant_type: JWT_GRANT, assertion: s.credentials.jwt });
    expect(relogin.status).toBe(200);
    expect(remaining(relogin)).toBe(3); // Auth: 2 of 5

    const stats = s.stats();
    expect(stats.requestsByGroup.NoThrottling - statsBefore.requestsByGroup.NoThrottling).toBe(200);
    expect(stats.requestsByGroup.Light).toBe(statsBefore.requestsByGroup.Light + 1);
    expect(stats.requestsByRoute['api-versions']).toBe(200);
    expect(stats.total429).toBe(0);
    const logged = s.requestLog().filter((e) => e.route === 'api-versions');
    expect(logged).toHaveLength(200);
    expect(logged.every((e) => e.group === 'NoThrottling' && e.status === 200 && e.path === '/restapi' && !e.throttled)).toBe(true);
  });

  it('faults do not fire on it: an armed rule waits for the next throttled request', async () => {
    sim = await startTestSim();
    const { access_token } = await login(sim);
    sim.faults.add({ kind: '503' });
    expect((await get(sim, undefined, '/restapi')).status).toBe(200);
    expect((await get(sim, access_token, `${EXT}/~`)).status).toBe(503);
    expect(sim.requestLog().find((e) => e.route === 'api-versions')?.fault).toBeUndefined();
  });
});
