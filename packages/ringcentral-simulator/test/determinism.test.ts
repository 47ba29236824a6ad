// Same seed ⇒ byte-identical responses; history never changes retroactively.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Simulator } from '../src';
import { DAY, HOUR, get, iso, login, startTestSim } from './helpers';

const PUBLIC = 'https://platform.example.test';

async function bodies(sim: Simulator): Promise<string[]> {
  const { access_token: token } = await login(sim);
  const now = sim.clock.now();
  const paths = [
    '/restapi/v1.0/account/~/extension?perPage=25&page=2',
    '/restapi/v1.0/account/~/directory/entries',
    `/restapi/v1.0/account/~/call-log?view=Detailed&showDeleted=true&perPage=200&dateFrom=${iso(now - 3 * DAY)}`,
    `/restapi/v1.0/account/~/call-log?perPage=50&page=3&dateFrom=${iso(now - 3 * DAY)}&type=Voice`,
    `/restapi/v1.0/account/~/extension/~/message-store?availability=Alive&availability=Deleted&availability=Purged&dateFrom=${iso(now - 3 * DAY)}`,
    `/restapi/v1.0/account/~/extension/~/message-sync?syncType=FSync&dateFrom=${iso(now - 3 * DAY)}`,
    `/restapi/v1.0/account/~/call-log-sync?syncType=FSync&view=Detailed&recordCount=500&dateFrom=${iso(now - 3 * DAY)}`,
  ];
  const out: string[] = [];
  for (const p of paths) {
    const r = await get(sim, token, p);
    expect(r.status).toBe(200);
    out.push(r.text);
  }
  return out;
}

describe('determinism', () => {
  it('two simulators with the same seed serve byte-identical bodies', async () => {
    const opts = { seed: 77, extensions: 80, days: 4, eventsPerDay: 3, publicUrl: PUBLIC };
    const [a, b, c] = await Promise.all([startTestSim(opts), startTestSim(opts), startTestSim({ ...opts, seed: 78 })]);
    try {
      for (const s of [a, b, c]) {
        s.clock.advance(5 * HOUR);
        s.events.recycleScenario();
      }
      const [ba, bb, bc] = [await bodies(a), await bodies(b), await bodies(c)];
      expect(ba).toEqual(bb);
      ba.forEach((body, i) => expect(body).not.toBe(bc[i]));
      expect(ba.join('').length).toBeGreaterThan(100_000);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('without publicUrl the only difference is the server address', async () => {
    const [a, b] = await Promise.all([startTestSim({ seed: 5 }), startTestSim({ seed: 5 })]);
    try {
      const [ba, bb] = [await bodies(a), await bodies(b)];
      expect(ba.map((x) => x.replaceAll(a.url, 'URL'))).toEqual(bb.map((x) => x.replaceAll(b.url, 'URL')));
      expect(ba[0]).toContain(`"uri":"${a.url}/restapi/v1.0/account/${a.accountId}/extension?`);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('records visible at t0 never change retroactively (only recording/deleted/lastModifiedTime move)', async () => {
    const volatile = ({ recording, deleted, lastModifiedTime, ...rest }: Record<string, unknown>) => rest;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1000 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 20 * HOUR }), fc.constantFrom('hire', 'recycle', 'disable', 'none')), { minLength: 1, maxLength: 5 }),
        async (seed, steps) => {
          const sim = await startTestSim({ seed, extensions: 25, days: 2, eventsPerDay: 8, callsPerExtensionPerDay: 6 });
          try {
            const t0 = sim.clock.now();
            const win = { from: t0 - 3 * DAY, to: t0 + 10 * DAY, showDeleted: true };
            const before = sim.truth.callLog(win);
            const versionsBefore = sim.truth.extensionVersions().map((v) => ({ ...v, validTo: null, endedByDeletion: null }));
            for (const [ms, kind] of steps) {
              sim.clock.advance(ms);
              if (kind === 'hire') sim.events.hire();
              if (kind === 'recycle') sim.events.recycleScenario({ stepMs: HOUR });
              if (kind === 'disable') {
                const victim = sim.truth.extensions().find((e: any) => e.status === 'Enabled' && e.id !== sim.ownerId);
                if (victim) sim.events.disable(victim.id as number);
              }
            }
            const after = new Map(sim.truth.callLog(win).map((c) => [c.id, c]));
            for (const c of before) {
              const now = after.get(c.id);
              expect(now, `call ${c.id} vanished`).toBeDefined();
              expect(volatile(now!)).toEqual(volatile(c));
            }
            // Past versions keep their attributes and start times.
            const versionsAfter = sim.truth.extensionVersions();
            for (const v of versionsBefore) {
              const w = versionsAfter.find((x) => x.extensionId === v.extensionId && x.version === v.version)!;
              expect({ ...w, validTo: null, endedByDeletion: null }).toEqual(v);
            }
          } finally {
            await sim.close();
          }
        },
      ),
      { numRuns: 25, seed: 99 },
    );
  });
});
