// Company call-log-sync against the living account: FSync + repeated ISyncs reproduce exactly
// what the call log holds (changes and deletions included), across hires, departures and
// recycled numbers; ISync pages at 250; bad tokens and parameters get RC's 400s.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src';
import { DAY, HOUR, get, iso, login, startTestSim } from './helpers';

const SYNC = '/restapi/v1.0/account/~/call-log-sync';

async function sync(sim: Simulator, token: string, query: string): Promise<any> {
  const r = await get(sim, token, `${SYNC}?${query}`);
  if (r.status !== 200) throw new Error(`${query} → ${r.status} ${r.text}`);
  expect(r.headers.get('x-rate-limit-group')).toBe('Heavy');
  return r.body;
}

/** ISync until a short answer; returns every record in order and the last token. */
async function drain(sim: Simulator, token: string, syncToken: string, extra = ''): Promise<{ records: any[]; syncToken: string; calls: number }> {
  const records: any[] = [];
  let calls = 0;
  for (;;) {
    const b = await sync(sim, token, `syncType=ISync&syncToken=${encodeURIComponent(syncToken)}${extra}`);
    calls++;
    expect(b.syncInfo.syncType).toBe('ISync');
    expect(b.records.length).toBeLessThanOrEqual(250);
    records.push(...b.records);
    syncToken = b.syncInfo.syncToken;
    if (b.records.length < 250) return { records, syncToken, calls };
  }
}

describe('call-log-sync', () => {
  let sim: Simulator;
  let token: string;
  beforeAll(async () => {
    sim = await startTestSim({ seed: 7, extensions: 120, days: 3, eventsPerDay: 6 });
    token = (await login(sim)).access_token;
  });
  afterAll(() => sim.close());

  it('FSync: the newest recordCount records since dateFrom, as the call log serves them', async () => {
    const now = sim.clock.now();
    const from = iso(now - 6 * HOUR);
    const b = await sync(sim, token, `syncType=FSync&view=Detailed&recordCount=40&dateFrom=${from}`);
    const list = await get(sim, token, `/restapi/v1.0/account/~/call-log?view=Detailed&perPage=40&dateFrom=${from}&dateTo=${iso(now + 1)}`);
    expect(b.records.length).toBe(40);
    expect(b.records.map((r: any) => ({ ...r, uri: undefined }))).toEqual(list.body.records.map((r: any) => ({ ...r, uri: undefined })));
    expect(b.syncInfo).toMatchObject({ syncType: 'FSync', syncTime: iso(now) });
    const missed = await sync(sim, token, `syncType=FSync&recordCount=200&statusGroup=Missed&dateFrom=${from}`);
    expect(missed.records.length).toBeGreaterThan(0);
    expect(missed.records.every((r: any) => r.result === 'Missed')).toBe(true);
  });

  it('property: FSync then ISyncs at random steps (with lifecycle events) = the call log now, deletions included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ ms: fc.integer({ min: 60_000, max: 9 * HOUR }), hire: fc.boolean(), recycle: fc.boolean() }), { minLength: 1, maxLength: 4 }),
        async (steps) => {
          const start = sim.clock.now();
          const from = start - 3 * HOUR;
          const f = await sync(sim, token, `syncType=FSync&view=Detailed&recordCount=1000&dateFrom=${iso(from)}`);
          const seen = new Map<string, any>(f.records.map((r: any) => [r.id, r]));
          let syncToken: string = f.syncInfo.syncToken;
          for (const s of steps) {
            sim.clock.advance(s.ms);
            if (s.hire) sim.events.hire({ name: 'Prop Hire', firstName: 'Prop' });
            if (s.recycle) sim.events.recycleScenario({ stepMs: 60_000 });
            const d = await drain(sim, token, syncToken, '&showDeleted=true');
            for (const r of d.records) seen.set(r.id, r); // a later version replaces an earlier one
            syncToken = d.syncToken;
          }
          const now = sim.clock.now();
          // Everything the call log holds for the frame, in its current state, deleted included
          // (except records already deleted before the FSync: it never showed them)...
          const truth = sim.truth.callLog({ from, to: now + 1, showDeleted: true })
            .filter((t) => !(t.deleted && Date.parse(t.lastModifiedTime as string) <= start));
          for (const t of truth) expect(seen.get(t.id as string)).toEqual(t);
          // ...and whatever else was reported (older calls that changed) is current too.
          const wide = new Map(sim.truth.callLog({ from: from - DAY, to: now + 1, showDeleted: true }).map((t) => [t.id as string, t]));
          for (const [id, r] of seen) expect(r).toEqual(wide.get(id));
        },
      ),
      { numRuns: 8, seed: 11 },
    );
  });

  it('ISync answers at most 250 records; asking again continues where it stopped, no gaps, no repeats', async () => {
    const f = await sync(sim, token, `syncType=FSync&recordCount=1&dateFrom=${iso(sim.clock.now() - HOUR)}`);
    const since = sim.clock.now();
    sim.clock.advance(3 * DAY);
    const first = await sync(sim, token, `syncType=ISync&syncToken=${encodeURIComponent(f.syncInfo.syncToken)}`);
    expect(first.records.length).toBe(250);
    expect(Date.parse(first.syncInfo.syncTime)).toBeLessThan(sim.clock.now());
    const d = await drain(sim, token, f.syncInfo.syncToken);
    expect(d.calls).toBeGreaterThan(1);
    const ids = d.records.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const truth = sim.truth.callLogChanges({ since: iso(since) });
    expect(ids).toEqual(truth.map((t) => t.id));
    // Simple view, as the FSync asked; without showDeleted no deleted record comes back.
    expect(d.records.some((r) => r.legs)).toBe(false);
    expect(d.records.some((r) => r.deleted)).toBe(false);
    // The same token again (tokens hold no server state), now with deletions.
    const withDeleted = await drain(sim, token, f.syncInfo.syncToken, '&showDeleted=true');
    expect(withDeleted.records).toEqual(sim.truth.callLogChanges({ since: iso(since), showDeleted: true }).map((t) => ({ ...t, legs: undefined, transport: undefined, billing: undefined, uri: String(t.uri).replace('Detailed', 'Simple') })).map((t) => JSON.parse(JSON.stringify(t))));
    expect(withDeleted.records.filter((r) => r.deleted === true).length).toBeGreaterThan(0);
  });

  it('bad input: missing recordCount, dateFrom beyond 30 days, forged/foreign/expired tokens → 400 CMN-101', async () => {
    const now = sim.clock.now();
    const bad = async (q: string, param: string): Promise<void> => {
      const r = await get(sim, token, `${SYNC}?${q}`);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ errorCode: 'CMN-101', errors: [{ errorCode: 'CMN-101', parameterName: param }] });
    };
    await bad('syncType=FSync', 'recordCount');
    await bad('syncType=FSync&recordCount=1001', 'recordCount');
    await bad(`syncType=FSync&recordCount=5&dateFrom=${iso(now - 31 * DAY)}`, 'dateFrom');
    await bad('syncType=ISync', 'syncToken');
    const f = await sync(sim, token, 'syncType=FSync&recordCount=5');
    const tok: string = f.syncInfo.syncToken;
    const forged = Buffer.from(Buffer.from(tok, 'base64url').toString().replace('.Simple.', '.Detailed.')).toString('base64url');
    await bad(`syncType=ISync&syncToken=${forged}`, 'syncToken');
    await bad(`syncType=ISync&syncToken=${tok}&view=Detailed`, 'view');
    const other = await startTestSim({ seed: 8, extensions: 10, days: 1 });
    try {
      const ot = (await login(other)).access_token;
      const r = await get(other, ot, `${SYNC}?syncType=ISync&syncToken=${tok}`);
      expect(r.status).toBe(400);
    } finally {
      await other.close();
    }
    sim.clock.advance(30 * DAY + 1);
    await bad(`syncType=ISync&syncToken=${tok}`, 'syncToken');
  });
});
