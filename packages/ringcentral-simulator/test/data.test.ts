// Shape and realism invariants of the generated account and its traffic.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src';
import { DAY, get, iso, login, startTestSim } from './helpers';

let sim: Simulator;
let token: string;
beforeAll(async () => {
  sim = await startTestSim({ seed: 31, extensions: 500, days: 3, eventsPerDay: 5 });
  token = (await login(sim)).access_token;
});
afterAll(() => sim.close());

describe('account', () => {
  it('has a realistic mix of types and statuses with unique ids, numbers and emails', () => {
    const exts = sim.truth.extensions() as any[];
    const count = (f: (e: any) => boolean) => exts.filter(f).length;
    expect(count((e) => e.type === 'User' && e.status === 'Enabled') / exts.length).toBeGreaterThan(0.5);
    for (const s of ['Disabled', 'NotActivated', 'Unassigned']) expect(count((e) => e.status === s)).toBeGreaterThan(0);
    for (const t of ['Department', 'IvrMenu', 'ParkLocation', 'ApplicationExtension', 'DigitalUser']) expect(count((e) => e.type === t)).toBeGreaterThan(0);
    expect(new Set(exts.map((e) => e.id)).size).toBe(exts.length);
    const numbers = exts.filter((e) => e.extensionNumber).map((e) => e.extensionNumber);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(numbers.every((n) => /^\d{3,4}$/.test(n))).toBe(true);
    expect(exts.filter((e) => e.status === 'Unassigned').every((e) => e.extensionNumber === undefined)).toBe(true);
    const emails = exts.map((e) => e.contact.email).filter(Boolean);
    expect(new Set(emails).size).toBe(emails.length);
    expect(new Set(exts.map((e) => e.site.id)).size).toBeGreaterThan(1);
    expect(exts.every((e) => Date.parse(e.creationTime) <= sim.clock.now())).toBe(true);
    expect(exts.every((e) => Number.isSafeInteger(e.id) && e.id > 100_000_000)).toBe(true);
  });

  it('list filters: status[], type[], extensionNumber, email[]', async () => {
    const all = sim.truth.extensions() as any[];
    const q = async (s: string) => (await get(sim, token, `/restapi/v1.0/account/~/extension?perPage=1000&${s}`)).body.records as any[];
    expect(await q('status=Disabled&status=Unassigned')).toEqual(all.filter((e) => ['Disabled', 'Unassigned'].includes(e.status)));
    expect(await q('type=Department')).toEqual(all.filter((e) => e.type === 'Department'));
    const one = all.find((e) => e.extensionNumber);
    expect(await q(`extensionNumber=${one.extensionNumber}`)).toEqual([one]);
    const withMail = all.filter((e) => e.contact.email).slice(0, 2);
    expect(await q(withMail.map((e) => `email=${encodeURIComponent(e.contact.email.toUpperCase())}`).join('&'))).toEqual(withMail);
    expect((await get(sim, token, '/restapi/v1.0/account/~/extension?status=Deleted')).status).toBe(400);
    const site = all.find((e) => e.site.id !== 'main-site').site.id;
    const dir = (await get(sim, token, `/restapi/v1.0/account/~/directory/entries?siteId=${site}&type=User`)).body.records as any[];
    expect(dir.length).toBeGreaterThan(0);
    expect(dir.every((d) => d.site.id === site && d.type === 'User')).toBe(true);
  });
});

describe('calls', () => {
  it('internal calls appear once per party with one session; external ones once; only ended ≥ 30 s ago', () => {
    const now = sim.clock.now();
    const calls = sim.truth.callLog({ from: now - 3 * DAY, to: now, showDeleted: true }) as any[];
    expect(calls.length).toBeGreaterThan(2000);
    const bySession = new Map<string, any[]>();
    for (const c of calls) bySession.set(c.sessionId, [...(bySession.get(c.sessionId) ?? []), c]);
    let pairs = 0;
    for (const group of bySession.values()) {
      const internal = group[0].from.extensionId && group[0].to.extensionId;
      if (!internal) {
        expect(group).toHaveLength(1);
        continue;
      }
      expect(group).toHaveLength(2);
      pairs++;
      const [a, b] = group;
      expect(new Set([a.direction, b.direction])).toEqual(new Set(['Inbound', 'Outbound']));
      expect(a.from).toEqual(b.from);
      expect(a.to).toEqual(b.to);
      expect(a.startTime).toBe(b.startTime);
      expect(a.id).not.toBe(b.id);
      const out = group.find((x) => x.direction === 'Outbound');
      expect(String(out.extension.id)).toBe(out.from.extensionId);
    }
    expect(pairs).toBeGreaterThan(50);
    for (const c of calls) {
      expect(Date.parse(c.startTime) + c.duration * 1000 + 30_000).toBeLessThanOrEqual(now);
      expect(Date.parse(c.lastModifiedTime)).toBeGreaterThan(Date.parse(c.startTime));
      expect(c.legs.length).toBeGreaterThan(0);
    }
    const types = new Set(calls.map((c) => c.type));
    expect(types).toEqual(new Set(['Voice', 'Fax']));
  });

  it('a call becomes visible 30 s after it ends, not before', () => {
    const now = sim.clock.now();
    const upcoming = sim.truth.callLog({ from: now - DAY, to: now + DAY });
    const t = sim.clock.now();
    sim.clock.advance(10 * 60_000);
    const later = sim.truth.callLog({ from: t - DAY, to: t + DAY });
    const fresh = later.filter((c) => !upcoming.some((u) => u.id === c.id)) as any[];
    expect(fresh.length).toBeGreaterThan(0);
    for (const c of fresh) {
      const visibleAt = Date.parse(c.startTime) + c.duration * 1000 + 30_000;
      expect(visibleAt).toBeGreaterThan(t);
      expect(visibleAt).toBeLessThanOrEqual(sim.clock.now());
    }
  });

  it('withRecording / recordingType keep only records whose recording has arrived', async () => {
    const now = sim.clock.now();
    const truth = sim.truth.callLog({ from: now - DAY, to: now }) as any[];
    const q = `perPage=1000&dateFrom=${iso(now - DAY)}&dateTo=${iso(now)}`;
    const withRec = (await get(sim, token, `/restapi/v1.0/account/~/call-log?${q}&withRecording=true`)).body.records;
    expect(withRec.map((r: any) => r.id)).toEqual(truth.filter((c) => c.recording).map((c) => c.id));
    expect(withRec.length).toBeGreaterThan(10);
    const onDemand = (await get(sim, token, `/restapi/v1.0/account/~/call-log?${q}&recordingType=OnDemand`)).body.records;
    expect(onDemand.map((r: any) => r.id)).toEqual(truth.filter((c) => c.recording?.type === 'OnDemand').map((c) => c.id));
  });

  it('window semantics: dateFrom inclusive, dateTo exclusive, on startTime', async () => {
    const now = sim.clock.now();
    const sample = sim.truth.callLog({ from: now - DAY, to: now }).slice(0, 25) as any[];
    await fc.assert(fc.asyncProperty(fc.constantFrom(...sample), async (c) => {
      const at = c.startTime;
      const incl = await get(sim, token, `/restapi/v1.0/account/~/call-log?perPage=1000&dateFrom=${at}&dateTo=${iso(Date.parse(at) + 1)}`);
      expect(incl.body.records.map((r: any) => r.id)).toContain(c.id);
      const excl = await get(sim, token, `/restapi/v1.0/account/~/call-log?perPage=1000&dateFrom=${iso(Date.parse(at) - 60_000)}&dateTo=${at}`);
      expect(excl.body.records.map((r: any) => r.id)).not.toContain(c.id);
    }), { numRuns: 10, seed: 1 });
  });
});
