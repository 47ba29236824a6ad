// The official SDK works against the simulator unchanged; token lifecycle matches RingCentral.

import { SDK } from '@ringcentral/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../src';
import { JWT_GRANT, get, login, startTestSim, tokenRequest } from './helpers';

let sim: Simulator | undefined;
let prefix = 0;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

function sdkFor(s: Simulator): SDK {
  return new SDK({ server: s.url, clientId: s.credentials.clientId, clientSecret: s.credentials.clientSecret, cachePrefix: `sim-test-${++prefix}-` });
}

describe('@ringcentral/sdk round trip', () => {
  it('login({jwt}) then GET /extension', async () => {
    sim = await startTestSim({ seed: 8, extensions: 30 });
    const platform = sdkFor(sim).platform();
    await platform.login({ jwt: sim.credentials.jwt });
    expect(await platform.loggedIn()).toBe(true);
    const res = await platform.get('/restapi/v1.0/account/~/extension', { perPage: 100 });
    const body: any = await res.json();
    expect(body.records).toEqual(sim.truth.extensions());
    expect(res.headers.get('x-rate-limit-group')).toBe('Medium');
    // Arrays go out as repeated keys and are honoured.
    const only: any = await (await platform.get('/restapi/v1.0/account/~/extension', { status: ['Disabled', 'NotActivated'] })).json();
    expect(only.records.length).toBeGreaterThan(0);
    expect(only.records.every((r: any) => ['Disabled', 'NotActivated'].includes(r.status))).toBe(true);
    const log = sim.requestLog();
    expect(log.map((e) => e.path.split('?')[0])).toContain('/restapi/oauth/token');
  });

  it('the SDK recovers from an expired access token via refresh (401 → refresh → retry)', async () => {
    sim = await startTestSim();
    const platform = sdkFor(sim).platform();
    await platform.login({ jwt: sim.credentials.jwt });
    sim.faults.add({ kind: 'revoke-token', code: 'OAU-128', match: { path: /message-store/ } });
    const res = await platform.get('/restapi/v1.0/account/~/extension/~/message-store');
    expect(res.status).toBe(200);
    expect(sim.auth.tokensIssued()).toBe(2);
    const statuses = sim.requestLog().map((e) => `${e.status} ${e.path.split('?')[0]}`);
    expect(statuses).toContain('401 /restapi/v1.0/account/~/extension/~/message-store');
  });

  it('refresh tokens are single use; reuse → 400 invalid_grant', async () => {
    sim = await startTestSim();
    const first = await login(sim);
    const r1 = await tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(r1.status).toBe(200);
    expect(r1.body.refresh_token).not.toBe(first.refresh_token);
    expect((await get(sim, r1.body.access_token, '/restapi/v1.0/account/~/extension')).status).toBe(200);
    const again = await tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
    expect(again.body.errors[0].errorCode).toMatch(/^OAU-/);
    const chained = await tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: r1.body.refresh_token });
    expect(chained.status).toBe(200);
  });

  it('expired access token → 401 OAU-128 (short TTL, wall time); expired refresh → invalid_grant', async () => {
    sim = await startTestSim({ tokenTtl: { accessSec: 1, refreshSec: 2 } });
    const t = await login(sim);
    expect(t.expires_in).toBe(1);
    expect(t.refresh_token_expires_in).toBe(2);
    expect((await get(sim, t.access_token, '/restapi/v1.0/account/~/extension')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_050));
    const expired = await get(sim, t.access_token, '/restapi/v1.0/account/~/extension');
    expect(expired.status).toBe(401);
    expect(expired.body.errorCode).toBe('OAU-128');
    expect(expired.body.message).toBe('Access token expired');
    await new Promise((r) => setTimeout(r, 1_000));
    const late = await tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: t.refresh_token });
    expect(late.status).toBe(400);
    expect(late.body.error).toBe('invalid_grant');
  });

  it('revoked tokens stay revoked (OAU-129); revoke endpoint; wrong JWT / client', async () => {
    sim = await startTestSim();
    const t = await login(sim);
    sim.auth.revoke(t.access_token);
    for (let i = 0; i < 2; i++) {
      const r = await get(sim, t.access_token, '/restapi/v1.0/account/~/extension');
      expect(r.status).toBe(401);
      expect(r.body.errorCode).toBe('OAU-129');
    }
    const t2 = await login(sim);
    const rv = await tokenRequest(sim, { token: t2.access_token });
    expect(rv.status).toBe(400); // token endpoint without grant_type
    const revoke = await fetch(`${sim.url}/restapi/oauth/revoke`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `token=${t2.access_token}`,
    });
    expect(revoke.status).toBe(200);
    expect((await get(sim, t2.access_token, '/restapi/v1.0/account/~/extension')).body.errorCode).toBe('OAU-129');
    expect((await tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: t2.refresh_token })).status).toBe(400);
    expect((await tokenRequest(sim, { grant_type: JWT_GRANT, assertion: `${sim.credentials.jwt}x` })).body.errors[0].errorCode).toBe('OAU-140');
  });

  it('maxSessions: logging in again and again ends the oldest sessions', async () => {
    sim = await startTestSim({ maxSessions: 2 });
    const [a, b, c] = [await login(sim), await login(sim), await login(sim)];
    expect((await get(sim, a.access_token, '/restapi/v1.0/account/~/extension')).body.errorCode).toBe('OAU-129');
    expect((await tokenRequest(sim, { grant_type: 'refresh_token', refresh_token: a.refresh_token })).status).toBe(400);
    for (const t of [b, c]) expect((await get(sim, t.access_token, '/restapi/v1.0/account/~/extension')).status).toBe(200);
  });
});
