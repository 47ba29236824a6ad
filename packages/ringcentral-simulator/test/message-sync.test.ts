// message-sync: FSync bounds, ISync chains (capped by recordCount) that see every change
// exactly once, self-describing tokens that reject tampering.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src';
import { decodeSyncToken, encodeSyncToken } from '../src/message-sync';
import { DAY, HOUR, get, iso, login, startTestSim } from './helpers';

let sim: Simulator;
let token: string;
let users: number[];
beforeAll(async () => {
  sim = await startTestSim({ seed: 14, extensions: 12, days: 6, messagesPerExtensionPerDay: 15 });
  token = (await login(sim)).access_token;
  users = sim.truth.extensions().filter((e: any) => e.type === 'User' && e.status === 'Enabled').map((e: any) => e.id);
});
afterAll(() => sim.close());

const sync = (id: number, q: string) => get(sim, token, `/restapi/v1.0/account/~/extension/${id}/message-sync?${q}`);

describe('message-sync', () => {
  it('FSync: window, recordCount and olderRecordsExist', async () => {
    const id = users[0]!;
    const now = sim.clock.now();
    const all = sim.truth.messages(id, { from: now - 3 * DAY, to: now + 1 });
    const full = await sync(id, `syncType=FSync&dateFrom=${iso(now - 3 * DAY)}`);
    expect(full.body.records.map((r: any) => r.id)).toEqual(all.map((m) => m.id));
    expect(full.body.syncInfo).toMatchObject({ syncType: 'FSync', syncTime: iso(now), olderRecordsExist: false });
    const few = await sync(id, `syncType=FSync&dateFrom=${iso(now - 3 * DAY)}&recordCount=5`);
    expect(few.body.records.map((r: any) => r.id)).toEqual(all.slice(0, 5).map((m) => m.id));
    expect(few.body.syncInfo.olderRecordsExist).toBe(all.length > 5);
  });

  it('ISync chains with a small recordCount see each change once, same as one uncapped call', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...users), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 30 }), async (id, recordCount, hours) => {
        const fs = await sync(id, `syncType=FSync&dateFrom=${iso(sim.clock.now() - DAY)}`);
        sim.clock.advance(hours * HOUR);
        const whole = await sync(id, `syncType=ISync&syncToken=${fs.body.syncInfo.syncToken}`);
        const chained: any[] = [];
        let tok = fs.body.syncInfo.syncToken;
        for (let i = 0; i < 500; i++) {
          const r = await sync(id, `syncType=ISync&recordCount=${recordCount}&syncToken=${tok}`);
          expect(r.status).toBe(200);
          expect(r.body.records.length).toBeLessThanOrEqual(recordCount);
          chained.push(...r.body.records);
          tok = r.body.syncInfo.syncToken;
          if (r.body.records.length < recordCount) break;
        }
        expect(chained.map((m) => m.id)).toEqual(whole.body.records.map((m: any) => m.id));
        expect(new Set(chained.map((m) => m.id)).size).toBe(chained.length);
      }),
      { numRuns: 12, seed: 3 },
    );
  });

  it('ISync reports changes only to messages created inside the FSync frame (open or closed)', async () => {
    const ALL = ['Alive', 'Deleted', 'Purged'] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...users), fc.integer({ min: 0, max: 72 }), fc.option(fc.integer({ min: 1, max: 48 }), { nil: undefined }), fc.integer({ min: 1, max: 40 }),
        async (id, backHours, closedAfterHours, advanceHours) => {
          const t0 = sim.clock.now();
          const from = t0 - backHours * HOUR;
          const to = closedAfterHours === undefined ? undefined : from + closedAfterHours * HOUR;
          const fs = await sync(id, `syncType=FSync&dateFrom=${iso(from)}${to === undefined ? '' : `&dateTo=${iso(to)}`}`);
          expect(fs.status).toBe(200);
          sim.clock.advance(advanceHours * HOUR);
          const is = await sync(id, `syncType=ISync&recordCount=1000&syncToken=${fs.body.syncInfo.syncToken}`);
          expect(is.status).toBe(200);
          // The truth: every message whose last change came after the FSync, created inside [from, to).
          const expected = sim.truth
            .messages(id, { from, to: to ?? sim.clock.now() + 1, availability: [...ALL] })
            .filter((m: any) => Date.parse(m.lastModifiedTime) > t0)
            .map((m: any) => m.id)
            .sort();
          expect(is.body.records.map((m: any) => m.id).sort()).toEqual(expected);
          // ... and nothing from before the frame, although older messages changed meanwhile.
          expect(is.body.records.every((m: any) => !m.creationTime || Date.parse(m.creationTime) >= from)).toBe(true);
        },
      ),
      { numRuns: 15, seed: 9 },
    );
  });

  it('an FSync without dateFrom frames the week before dateTo; an ISync with an earlier dateFrom widens the frame for good', async () => {
    const id = users[1]!;
    const t0 = sim.clock.now();
    const fsDefault = await sync(id, 'syncType=FSync');
    expect(decodeSyncToken(14, fsDefault.body.syncInfo.syncToken)?.frame).toEqual({ from: t0 + 1 - 7 * DAY, to: 0 });

    const fs = await sync(id, `syncType=FSync&dateFrom=${iso(t0)}`); // a frame starting "now" sees no older message change
    sim.clock.advance(12 * HOUR);
    const older = (t: number) => sim.truth.messages(id, { from: t0 - 2 * DAY, to: t0, availability: ['Alive', 'Deleted', 'Purged'] }).filter((m: any) => Date.parse(m.lastModifiedTime) > t);
    expect(older(t0).length).toBeGreaterThan(0); // the test means something: older messages did change
    const narrow = await sync(id, `syncType=ISync&recordCount=1000&syncToken=${fs.body.syncInfo.syncToken}`);
    expect(narrow.body.records.filter((m: any) => older(t0).some((o: any) => o.id === m.id))).toEqual([]);

    const t1 = sim.clock.now();
    const widened = await sync(id, `syncType=ISync&recordCount=1000&syncToken=${narrow.body.syncInfo.syncToken}&dateFrom=${iso(t0 - 2 * DAY)}`);
    expect(decodeSyncToken(14, widened.body.syncInfo.syncToken)?.frame.from).toBe(t0 - 2 * DAY);
    // A later dateFrom never narrows it again; the next ISync still reports older changes.
    sim.clock.advance(12 * HOUR);
    const next = await sync(id, `syncType=ISync&recordCount=1000&syncToken=${widened.body.syncInfo.syncToken}&dateFrom=${iso(t1)}`);
    expect(decodeSyncToken(14, next.body.syncInfo.syncToken)?.frame.from).toBe(t0 - 2 * DAY);
    const olderIds = older(t1).map((m: any) => m.id);
    expect(olderIds.length).toBeGreaterThan(0);
    expect(next.body.records.map((m: any) => m.id)).toEqual(expect.arrayContaining(olderIds));
  });

  it('tokens are self-describing and tamper-evident', () => {
    const body = { extId: 400000000008, t: 1_748_876_400_000, lastId: 42, frame: { from: 1_748_000_000_000, to: 0 } };
    const t = encodeSyncToken(14, body);
    expect(decodeSyncToken(14, t)).toEqual(body);
    expect(decodeSyncToken(15, t)).toBeUndefined();
    const forged = Buffer.from(Buffer.from(t, 'base64url').toString().replace('.42.', '.43.')).toString('base64url');
    expect(decodeSyncToken(14, forged)).toBeUndefined();
    const widenedByHand = Buffer.from(Buffer.from(t, 'base64url').toString().replace('.1748000000000.', '.1700000000000.')).toString('base64url');
    expect(decodeSyncToken(14, widenedByHand)).toBeUndefined();
    expect(decodeSyncToken(14, 'garbage')).toBeUndefined();
  });
});
