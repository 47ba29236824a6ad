// Contract: every simulated endpoint's responses — many pages, several seeds — validate against
// RingCentral's OpenAPI response schemas (made strict), and error bodies have RC's shapes.

import type { ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src';
import { DAY, HOUR, JWT_GRANT, get, http, iso, login, startTestSim, tokenRequest, walkPages } from './helpers';
import { buildValidators, loadSubset } from './openapi';

const { schemas, source } = loadSubset();
const v = buildValidators(schemas);

function check(validate: ValidateFunction, body: unknown, what: string): void {
  const ok = validate(body);
  if (!ok) throw new Error(`${what} does not match the RC schema (${source}):\n${JSON.stringify(validate.errors?.slice(0, 5), null, 1)}`);
}

describe.each([1, 2, 3])('contract, seed %i', (seed) => {
  let sim: Simulator;
  let token: string;
  beforeAll(async () => {
    sim = await startTestSim({ seed, extensions: 70, days: 4, eventsPerDay: 3, exportTaskMs: 50_000 });
    const t = await login(sim);
    check(v.token, t, 'token response');
    token = t.access_token;
  });
  afterAll(() => sim.close());

  it('API versions (GET /restapi): no auth, every field of the schema', async () => {
    for (const path of ['/restapi', '/restapi/']) {
      const r = await get(sim, undefined, path);
      expect(r.status).toBe(200);
      check(v.apiVersions, r.body, `GET ${path}`);
      expect(Object.keys(r.body).sort()).toEqual(Object.keys(schemas.apiVersions.properties).sort());
      expect(Object.keys(r.body.apiVersions[0]).sort()).toEqual(Object.keys(schemas.apiVersions.properties.apiVersions.items.properties).sort());
      expect(r.body.uri).toBe(`${sim.url}/restapi`);
      expect(r.body.apiVersions).toEqual([expect.objectContaining({ uri: `${sim.url}/restapi/v1.0`, uriString: 'v1.0', versionString: schemas.specVersion })]);
      expect(new Date(r.body.apiVersions[0].releaseDate).toISOString()).toBe(r.body.apiVersions[0].releaseDate);
    }
  });

  it('extension list: every page', async () => {
    const pages = await walkPages(sim, token, '/restapi/v1.0/account/~/extension?perPage=9');
    pages.forEach((p, i) => check(v.extensionList, p, `extension page ${i + 1}`));
    expect(pages.flatMap((p) => p.records).length).toBe(sim.truth.extensions().length);
    expect(pages[0].paging.totalElements).toBe(sim.truth.extensions().length);
    const statuses = new Set(pages.flatMap((p) => p.records.map((r: any) => r.status)));
    expect(statuses.has('Enabled')).toBe(true);
  });

  it('directory entries: every page, no navigation', async () => {
    const all: any[] = [];
    for (let page = 1; ; page++) {
      const r = await get(sim, token, `/restapi/v1.0/account/~/directory/entries?perPage=11&page=${page}`);
      check(v.directory, r.body, `directory page ${page}`);
      expect(r.body.navigation).toBeUndefined();
      all.push(...r.body.records);
      if (page >= r.body.paging.totalPages) break;
    }
    expect(all).toEqual(sim.truth.directory());
    expect(all.every((d) => ['Enabled', 'Disabled', 'NotActivated'].includes(d.status))).toBe(true);
    expect(all.some((d) => ['DigitalUser', 'VirtualUser', 'FaxUser', 'ApplicationExtension'].includes(d.type))).toBe(false);
  });

  it('call log: Simple and Detailed, deleted included, many pages', async () => {
    const now = sim.clock.now();
    for (const view of ['Simple', 'Detailed']) {
      const q = `view=${view}&showDeleted=true&perPage=40&dateFrom=${iso(now - 2 * DAY)}&dateTo=${iso(now)}`;
      const pages = await walkPages(sim, token, `/restapi/v1.0/account/~/call-log?${q}`);
      expect(pages.length).toBeGreaterThan(3);
      pages.forEach((p, i) => {
        check(v.callLog, p, `${view} call-log page ${i + 1}`);
        expect(p.paging.totalPages).toBeUndefined();
        expect(p.paging.totalElements).toBeUndefined();
      });
      const recs = pages.flatMap((p) => p.records);
      expect(recs.some((r) => r.legs)).toBe(view === 'Detailed');
      expect(recs.some((r) => r.deleted === true)).toBe(true);
      expect(recs.some((r) => r.recording)).toBe(true);
    }
  });

  it('message store and message sync', async () => {
    const exts = sim.truth.extensions().filter((e: any) => e.type === 'User' && e.status === 'Enabled').slice(0, 4);
    const now = sim.clock.now();
    let seen = 0;
    for (const e of exts) {
      const q = `availability=Alive&availability=Deleted&availability=Purged&perPage=3&dateFrom=${iso(now - 4 * DAY)}`;
      const pages = await walkPages(sim, token, `/restapi/v1.0/account/~/extension/${e.id}/message-store?${q}`);
      pages.forEach((p, i) => check(v.messageStore, p, `message-store ${e.id} page ${i + 1}`));
      seen += pages.reduce((n, p) => n + p.records.length, 0);
      const fs = await get(sim, token, `/restapi/v1.0/account/~/extension/${e.id}/message-sync?syncType=FSync&dateFrom=${iso(now - 4 * DAY)}`);
      check(v.messageSync, fs.body, 'FSync');
      sim.clock.advance(6 * HOUR);
      const is = await get(sim, token, `/restapi/v1.0/account/~/extension/${e.id}/message-sync?syncType=ISync&syncToken=${fs.body.syncInfo.syncToken}`);
      check(v.messageSync, is.body, 'ISync');
    }
    expect(seen).toBeGreaterThan(0);
  });

  it('call-log-sync: FSync and ISync pages (Simple, Detailed, deleted) and its errors', async () => {
    const sync = '/restapi/v1.0/account/~/call-log-sync';
    let deleted = 0;
    for (const view of ['Simple', 'Detailed']) {
      const f = await get(sim, token, `${sync}?syncType=FSync&view=${view}&recordCount=300&dateFrom=${iso(sim.clock.now() - DAY)}`);
      check(v.callLogSync, f.body, `${view} FSync`);
      expect(f.body.records.length).toBeGreaterThan(0);
      sim.clock.advance(DAY);
      for (let syncToken = f.body.syncInfo.syncToken, n = 250; n === 250;) {
        const i = await get(sim, token, `${sync}?syncType=ISync&showDeleted=true&syncToken=${encodeURIComponent(syncToken)}`);
        check(v.callLogSync, i.body, `${view} ISync`);
        deleted += i.body.records.filter((r: any) => r.deleted).length;
        ({ syncToken } = i.body.syncInfo);
        n = i.body.records.length;
      }
    }
    expect(deleted).toBeGreaterThan(0);
    const bad = await get(sim, token, `${sync}?syncType=ISync&syncToken=bogus`);
    expect(bad.status).toBe(400);
    check(v.rcError, bad.body, 'call-log-sync 400');
  });

  it('message-store export: task in every state, archive list, errors', async () => {
    const report = `${sim.url}/restapi/v1.0/account/~/message-store-report`;
    const c = await http(report, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ dateFrom: iso(sim.clock.now() - 3 * DAY) }) });
    expect(c.status).toBe(202);
    check(v.messageStoreReportCreate, c.body, 'created task');
    const states = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const t = await get(sim, token, `${report}/${c.body.id}`);
      check(v.messageStoreReportTask, t.body, `task ${t.body.status}`);
      states.add(t.body.status);
      const a = await get(sim, token, `${report}/${c.body.id}/archive`);
      check(v.messageStoreReportArchive, a.body, `archives while ${t.body.status}`);
      sim.clock.advance(20_000);
    }
    expect([...states]).toEqual(['Accepted', 'InProgress', 'Completed']);
    const a = await get(sim, token, `${report}/${c.body.id}/archive`);
    expect(a.body.records.length).toBeGreaterThan(0);
    const missing = await get(sim, token, `${report}/nope/archive`);
    expect(missing.status).toBe(404);
    check(v.rcError, missing.body, 'export 404');
  });
});

describe('error bodies', () => {
  let sim: Simulator;
  let token: string;
  beforeAll(async () => {
    sim = await startTestSim({ rateLimits: { Heavy: { limit: 1, windowMs: 60_000 } } });
    token = (await login(sim)).access_token;
  });
  afterAll(() => sim.close());

  const rc = (status: number, code: string) => async (p: Promise<{ status: number; body: any }>) => {
    const r = await p;
    expect(r.status).toBe(status);
    check(v.rcError, r.body, `${status} body`);
    expect(r.body.errorCode).toBe(code);
    expect(r.body.errors[0].errorCode).toBe(code);
  };

  it('401: missing, unparsable, unknown, expired', async () => {
    await rc(401, 'OAU-149')(get(sim, undefined, '/restapi/v1.0/account/~/extension'));
    await rc(401, 'OAU-149')(get(sim, 'not a token', '/restapi/v1.0/account/~/extension'));
    await rc(401, 'OAU-129')(get(sim, `SIM${'A'.repeat(32)}`, '/restapi/v1.0/account/~/extension'));
    await rc(401, 'OAU-151')(http(`${sim.url}/restapi/v1.0/account/~/extension`, { headers: { Authorization: 'Basic abc' } }));
    const t2 = (await login(sim)).access_token;
    sim.auth.expireAccessTokens(t2);
    await rc(401, 'OAU-128')(get(sim, t2, '/restapi/v1.0/account/~/extension'));
  });

  it('404: unknown path, unknown extension, wrong account', async () => {
    await rc(404, 'CMN-120')(get(sim, token, '/restapi/v1.0/account/~/no-such-thing'));
    await rc(404, 'CMN-102')(get(sim, token, '/restapi/v1.0/account/~/extension/123/message-store'));
    await rc(404, 'CMN-102')(get(sim, token, '/restapi/v1.0/account/999/extension'));
  });

  it('400: invalid parameters', async () => {
    await rc(400, 'CMN-101')(get(sim, token, '/restapi/v1.0/account/~/extension?page=0'));
    await rc(400, 'CMN-101')(get(sim, token, '/restapi/v1.0/account/~/extension/~/message-store?dateFrom=yesterday'));
    await rc(400, 'MSG-333')(get(sim, token, '/restapi/v1.0/account/~/extension/~/message-sync?syncType=ISync&syncToken=bogus'));
  });

  it('400 perPage > 1000 on call log, then 429 once Heavy is spent', async () => {
    const r = await get(sim, token, '/restapi/v1.0/account/~/call-log?perPage=1001');
    await rc(400, 'CMN-101')(Promise.resolve(r));
    expect(r.body.errors[0].parameterName).toBe('perPage');
    const t = await get(sim, token, '/restapi/v1.0/account/~/call-log');
    await rc(429, 'CMN-301')(Promise.resolve(t));
    expect(t.body.message).toBe('Request rate exceeded');
  });

  it('405 for a wrong method', async () => {
    const r = await http(`${sim.url}/restapi/v1.0/account/~/extension`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
    expect(r.status).toBe(405);
    check(v.rcError, r.body, '405 body');
    const versions = await http(`${sim.url}/restapi`, { method: 'POST' });
    expect(versions.status).toBe(405);
    check(v.rcError, versions.body, '405 body of /restapi');
    expect(versions.headers.get('X-Rate-Limit-Group')).toBeNull();
  });

  it('token endpoint errors use the OAuth shape', async () => {
    const bad = await tokenRequest(sim, { grant_type: JWT_GRANT, assertion: 'wrong' });
    expect(bad.status).toBe(400);
    check(v.oauthError, bad.body, 'invalid_grant');
    expect(bad.body).toMatchObject({ error: 'invalid_grant', errors: [{ errorCode: 'OAU-140' }] });
    const client = await tokenRequest(sim, { grant_type: JWT_GRANT, assertion: sim.credentials.jwt }, `Basic ${Buffer.from('x:y').toString('base64')}`);
    expect(client.status).toBe(401);
    check(v.oauthError, client.body, 'invalid_client');
    expect(client.body.error).toBe('invalid_client');
  });
});
