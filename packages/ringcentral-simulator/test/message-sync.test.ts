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

  it('tokens are self-describing and tamper-evident', () => {
    const t = encodeSyncToken(14, 400000000008, 1_748_876_400_000, 42);
    expect(decodeSyncToken(14, t)).toEqual({ extId: 400000000008, t: 1_748_876_400_000, lastId: 42 });
    expect(decodeSyncToken(15, t)).toBeUndefined();
    const forged = Buffer.from(Buffer.from(t, 'base64url').toString().replace('.42.', '.43.')).toString('base64url');
    expect(decodeSyncToken(14, forged)).toBeUndefined();
    expect(decodeSyncToken(14, 'garbage')).toBeUndefined();
  });
});
