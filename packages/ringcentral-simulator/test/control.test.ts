// The control surface over HTTP (--control): a driver outside the process counts requests,
// reads ground truth, moves the clock, changes the account and injects faults with plain JSON,
// and sees the same state as the in-process API.

import fc from 'fast-check';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src';
import { DAY, HOUR, get, http, iso, login, startTestSim, walkPages } from './helpers';

const post = (url: string, body?: unknown) =>
  http(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

describe('HTTP control surface', () => {
  let sim: Simulator;
  let token: string;
  let ctl: string;
  beforeAll(async () => {
    sim = await startTestSim({ seed: 4, extensions: 25, days: 3, control: true });
    token = (await login(sim)).access_token;
    ctl = `${sim.url}/_sim`;
  });
  afterAll(() => sim.close());

  it('stats per route and group count exactly the API requests made (control calls excluded)', async () => {
    expect((await post(`${ctl}/stats/reset`)).status).toBe(200);
    const pages = await walkPages(sim, token, '/restapi/v1.0/account/~/extension?perPage=7');
    await get(sim, token, '/restapi/v1.0/account/~/directory/entries');
    await get(sim, token, '/restapi/v1.0/account/~/nowhere');
    const r = await http(`${ctl}/stats`);
    expect(r.status).toBe(200);
    expect(r.body.requestsByRoute).toEqual({ 'extension-list': pages.length, directory: 1 });
    expect(r.body.requestsByGroup).toMatchObject({ Medium: pages.length + 1, Heavy: 0, Light: 0 });
    expect(r.body.requests).toBe(pages.length + 2);
    expect(r.body).toEqual(sim.stats());
  });

  it('property: per-route and per-group counts over HTTP match the requests actually made', async () => {
    const ENDPOINTS = [
      { path: '/restapi/v1.0/account/~/extension?perPage=3', route: 'extension-list', group: 'Medium' },
      { path: '/restapi/v1.0/account/~/directory/entries?perPage=3', route: 'directory', group: 'Medium' },
      { path: `/restapi/v1.0/account/~/extension/${sim.ownerId}`, route: 'extension', group: 'Light' },
      { path: `/restapi/v1.0/account/~/extension/${sim.ownerId}/message-store?perPage=2`, route: 'message-store', group: 'Light' },
      { path: '/restapi/v1.0/account/~/call-log?perPage=2', route: 'call-log', group: 'Heavy' },
      { path: '/restapi', route: 'api-versions', group: 'NoThrottling' },
      { path: '/restapi/v1.0/account/~/no-such-thing', route: undefined, group: undefined },
    ] as const;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(ENDPOINTS.length - 1), { maxLength: 8 }), async (picks) => {
        await post(`${ctl}/stats/reset`);
        for (const i of picks) await get(sim, token, ENDPOINTS[i]!.path);
        const stats = (await http(`${ctl}/stats`)).body;
        const byRoute: Record<string, number> = {};
        const byGroup: Record<string, number> = { Light: 0, Medium: 0, Heavy: 0, Auth: 0, NoThrottling: 0 };
        for (const i of picks) {
          const { route, group } = ENDPOINTS[i]!;
          if (route) byRoute[route] = (byRoute[route] ?? 0) + 1;
          if (group) byGroup[group]!++;
        }
        expect(stats.requests).toBe(picks.length);
        expect(stats.requestsByRoute).toEqual(byRoute);
        expect(stats.requestsByGroup).toEqual(byGroup);
      }),
      { numRuns: 25 },
    );
  });

  it('ground truth for a range is what the API serves for it', async () => {
    const to = sim.clock.now() - HOUR;
    const from = to - DAY;
    const r = await http(`${ctl}/truth?from=${iso(from)}&to=${iso(to)}&extensionId=${sim.ownerId}`);
    expect(r.status).toBe(200);
    const served = (await walkPages(sim, token, `/restapi/v1.0/account/~/call-log?view=Detailed&perPage=50&dateFrom=${iso(from)}&dateTo=${iso(to)}`)).flatMap((p) => p.records);
    expect(served.length).toBeGreaterThan(0);
    expect(r.body.callLog).toEqual(served);
    expect(r.body.extensions).toEqual(sim.truth.extensions());
    expect(r.body.messages).toEqual(sim.truth.messages(sim.ownerId, { from, to }));
    expect(r.body.extensionVersions.length).toBeGreaterThanOrEqual(r.body.extensions.length);
    expect((await http(`${ctl}/truth?from=yesterday&to=${iso(to)}`)).body.error).toMatch(/from/);
  });

  it('advances and sets the simulated clock', async () => {
    const before = sim.clock.now();
    const r = await post(`${ctl}/clock/advance`, { ms: 2 * HOUR });
    expect(r.body.now).toBe(iso(before + 2 * HOUR));
    expect(sim.clock.now()).toBe(before + 2 * HOUR);
    expect((await http(`${ctl}/clock`)).body.now).toBe(iso(before + 2 * HOUR));
    expect((await post(`${ctl}/clock/advance`, { ms: -1 })).status).toBe(400);
  });

  it('lifecycle events change what the API serves and appear in the event log', async () => {
    const hired = await post(`${ctl}/events`, { kind: 'hire', attrs: { name: 'Control Hire', firstName: 'Control' } });
    expect(hired.status).toBe(200);
    const id = hired.body.extensionId;
    expect((await get(sim, token, `/restapi/v1.0/account/~/extension/${id}`)).body.name).toBe('Control Hire');
    expect((await post(`${ctl}/events`, { kind: 'disable', extensionId: id })).status).toBe(200);
    expect((await get(sim, token, `/restapi/v1.0/account/~/extension/${id}`)).body.status).toBe('Disabled');
    const log = (await http(`${ctl}/events`)).body as Array<{ kind: string; extensionId: number }>;
    expect(log.filter((e) => e.extensionId === id).map((e) => e.kind)).toEqual(['hire', 'disable']);
    expect((await post(`${ctl}/events`, { kind: 'reassignNumber', extensionId: id })).body.error).toMatch(/not deleted/);
    expect((await post(`${ctl}/events`, { kind: 'promote' })).status).toBe(400);
  });

  it('fault rules: added, fired on matching API requests, listed, removed', async () => {
    const added = await post(`${ctl}/faults`, { kind: '503', match: { pathRegex: 'directory/entries$' }, times: 2, retryAfterSec: 3 });
    expect(added.status).toBe(200);
    const dir = '/restapi/v1.0/account/~/directory/entries';
    const a = await get(sim, token, dir);
    expect(a.status).toBe(503);
    expect(a.headers.get('retry-after')).toBe('3');
    expect((await get(sim, token, '/restapi/v1.0/account/~/extension')).status).toBe(200);
    const listed = (await http(`${ctl}/faults`)).body;
    expect(listed).toEqual([expect.objectContaining({ id: added.body.id, kind: '503', fired: 1, match: { path: '/directory\\/entries$/' } })]);
    expect((await http(`${ctl}/faults/${added.body.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await get(sim, token, dir)).status).toBe(200);
    expect((await post(`${ctl}/faults`, { kind: 'meteor' })).body.error).toMatch(/kind/);
    expect((await post(`${ctl}/faults`, { kind: '500' })).status).toBe(200);
    expect((await http(`${ctl}/faults`, { method: 'DELETE' })).status).toBe(200);
    expect(sim.faults.list()).toEqual([]);
  });

  it('unknown control paths and malformed bodies are refused with a reason', async () => {
    expect((await http(`${ctl}/nothing`)).status).toBe(404);
    const bad = await http(`${ctl}/faults`, { method: 'POST', body: '{not json' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/JSON/);
  });
});

describe('without --control', () => {
  it('/_sim/ is just a path RingCentral does not serve', async () => {
    const sim = await startTestSim({ extensions: 5, days: 1 });
    try {
      const r = await http(`${sim.url}/_sim/stats`);
      expect(r.status).toBe(404);
      expect(r.body.errorCode).toBe('CMN-120');
      expect(sim.stats().requests).toBe(1);
    } finally {
      await sim.close();
    }
  });
});

// A non-loopback address of this machine, to reach the server the way another host would.
const lanAddress = Object.values(os.networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

describe.skipIf(!lanAddress)('control surface from another host', () => {
  it('is refused (403) while the RingCentral API answers', async () => {
    const sim = await startTestSim({ extensions: 5, days: 1, control: true, host: '0.0.0.0' });
    try {
      const remote = `http://${lanAddress}:${sim.port}`;
      const r = await http(`${remote}/_sim/stats`);
      expect(r.status).toBe(403);
      expect(r.body.error).toMatch(/loopback/);
      expect((await post(`${remote}/_sim/faults`, { kind: '500' })).status).toBe(403);
      expect(sim.faults.list()).toEqual([]);
      expect((await http(`${sim.url.replace('0.0.0.0', '127.0.0.1')}/_sim/stats`)).status).toBe(200);
    } finally {
      await sim.close();
    }
  });
});
