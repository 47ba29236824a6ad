// An account that lives: recycled numbers, explicit and random lifecycle events, and calls /
// messages that stay consistent with who held which number when.

import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../src';
import { DAY, HOUR, get, iso, login, startTestSim } from './helpers';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

type Party = { extensionId?: string; extensionNumber?: string; name?: string };

describe('number recycling', () => {
  it('a reassigned number appears under a new id after the old extension vanishes', async () => {
    sim = await startTestSim({ seed: 5, extensions: 40, days: 3 });
    const { access_token: token } = await login(sim);
    const before = sim.clock.now();
    const { oldId, newId, number } = sim.events.recycleScenario();
    expect(newId).not.toBe(oldId);
    expect(newId).toBeGreaterThan(oldId); // ids only grow, never reused

    const list = (await get(sim, token, '/restapi/v1.0/account/~/extension?perPage=1000')).body.records;
    expect(list.find((e: any) => e.id === oldId)).toBeUndefined();
    expect(list.filter((e: any) => e.extensionNumber === number).map((e: any) => e.id)).toEqual([newId]);
    const dir = (await get(sim, token, '/restapi/v1.0/account/~/directory/entries')).body.records;
    expect(dir.find((e: any) => e.id === String(oldId))).toBeUndefined();
    expect(dir.find((e: any) => e.id === String(newId))?.extensionNumber).toBe(number);

    const gone = await get(sim, token, `/restapi/v1.0/account/~/extension/${oldId}/message-store`);
    expect(gone.status).toBe(404);
    expect(gone.body.errorCode).toBe('CMN-102');
    expect((await get(sim, token, `/restapi/v1.0/account/~/extension/${oldId}`)).status).toBe(404);
    expect((await get(sim, token, `/restapi/v1.0/account/~/extension/${newId}/message-store`)).status).toBe(200);

    expect(sim.truth.holderOf(number, before)).toBe(oldId);
    expect(sim.truth.holderOf(number, sim.clock.now())).toBe(newId);
    const versions = sim.truth.extensionVersions().filter((v) => v.extensionId === oldId);
    expect(versions.map((v) => v.attrs.status).slice(-1)).toEqual(['Disabled']);
    expect(versions[versions.length - 1]!.endedByDeletion).toBe(true);
    expect(versions[versions.length - 1]!.validTo).not.toBeNull();
  });

  it('call parties always carry the number the extension held at the call start', async () => {
    sim = await startTestSim({ seed: 9, extensions: 30, days: 4, eventsPerDay: 6, callsPerExtensionPerDay: 8 });
    for (let i = 0; i < 3; i++) {
      sim.events.recycleScenario({ stepMs: 5 * HOUR });
      sim.events.hire();
    }
    sim.clock.advance(DAY);
    const now = sim.clock.now();
    const calls = sim.truth.callLog({ from: now - 6 * DAY, to: now, showDeleted: true });
    const versions = sim.truth.extensionVersions();
    const numberAt = (id: string, t: number): string | undefined =>
      versions.find((v) => String(v.extensionId) === id && Date.parse(v.validFrom) <= t && (v.validTo === null || t < Date.parse(v.validTo)))?.attrs.extensionNumber;
    let internal = 0;
    for (const c of calls) {
      const t = Date.parse(c.startTime as string);
      for (const p of [c.from, c.to] as Party[]) {
        if (!p.extensionId) continue;
        expect(p.extensionNumber).toBe(numberAt(p.extensionId, t));
        expect(sim.truth.holderOf(p.extensionNumber!, t)).toBe(Number(p.extensionId));
      }
      if ((c.from as Party).extensionId && (c.to as Party).extensionId) internal++;
    }
    expect(internal).toBeGreaterThan(10);
    expect(calls.some((c) => !(c.from as Party).extensionId || !(c.to as Party).extensionId)).toBe(true);
    // Deleted extensions keep their historical calls.
    const deleted = new Set(versions.filter((v) => v.endedByDeletion).map((v) => v.extensionId));
    expect(deleted.size).toBeGreaterThan(0);
    expect(calls.some((c) => deleted.has((c.extension as any).id))).toBe(true);
  });
});

describe('explicit events', () => {
  it('hire / update / disable / delete are visible immediately and versioned', async () => {
    sim = await startTestSim({ seed: 3, extensions: 10 });
    const { access_token: token } = await login(sim);
    const id = sim.events.hire({ firstName: 'Ada', lastName: 'Lovelace', department: 'Engineering' });
    let rec = (await get(sim, token, `/restapi/v1.0/account/~/extension/${id}`)).body;
    expect(rec.name).toBe('Ada Lovelace');
    sim.clock.advance(HOUR);
    sim.events.update(id, { jobTitle: 'Analyst', department: 'Finance' });
    sim.clock.advance(HOUR);
    sim.events.disable(id);
    rec = (await get(sim, token, `/restapi/v1.0/account/~/extension/${id}`)).body;
    expect(rec).toMatchObject({ status: 'Disabled', contact: { jobTitle: 'Analyst', department: 'Finance' } });
    sim.clock.advance(HOUR);
    sim.events.delete(id);
    expect((await get(sim, token, `/restapi/v1.0/account/~/extension/${id}`)).status).toBe(404);
    const vs = sim.truth.extensionVersions().filter((v) => v.extensionId === id);
    expect(vs.map((v) => v.attrs.status)).toEqual(['Enabled', 'Enabled', 'Disabled']);
    expect(vs.every((v, i) => i === 0 || v.validFrom === vs[i - 1]!.validTo)).toBe(true);
    expect(() => sim!.events.update(id, { jobTitle: 'x' })).toThrow(/deleted/);
    expect(sim.events.log().filter((e) => e.extensionId === id).map((e) => e.kind)).toEqual(['hire', 'update', 'disable', 'delete']);
  });

  it('random events replay identically for the same seed', async () => {
    sim = await startTestSim({ seed: 21, extensions: 50, days: 10, eventsPerDay: 4, publicUrl: 'https://platform.example' });
    sim.clock.advance(3 * DAY);
    const other = await startTestSim({ seed: 21, extensions: 50, days: 10, eventsPerDay: 4, publicUrl: 'https://platform.example' });
    other.clock.advance(DAY);
    other.clock.advance(2 * DAY); // different steps, same instants
    try {
      expect(sim.truth.extensionVersions()).toEqual(other.truth.extensionVersions());
      expect(sim.events.log()).toEqual(other.events.log());
      const kinds = new Set(sim.events.log().map((e) => e.kind));
      for (const k of ['hire', 'delete', 'disable']) expect(kinds.has(k as any)).toBe(true);
    } finally {
      await other.close();
    }
  });
});

describe('records change later, deterministically', () => {
  it('calls: recording arrives minutes after the end; some are deleted about an hour later', async () => {
    sim = await startTestSim({ seed: 2, extensions: 60, days: 2, callsPerExtensionPerDay: 10 });
    const t0 = sim.clock.now();
    const window = { from: t0 - 2 * DAY, to: t0 + 2 * DAY, showDeleted: true };
    const v0 = new Map(sim.truth.callLog(window).map((c) => [c.id, c]));
    sim.clock.advance(2 * HOUR);
    const v1 = sim.truth.callLog(window);
    let gotRecording = 0;
    let gotDeleted = 0;
    for (const c of v1) {
      const old = v0.get(c.id);
      if (!old) continue;
      if (c.recording && !old.recording) {
        gotRecording++;
        expect(Date.parse(c.lastModifiedTime as string)).toBeGreaterThan(Date.parse(old.lastModifiedTime as string));
        const end = Date.parse(c.startTime as string) + (c.duration as number) * 1000;
        expect(Date.parse(c.lastModifiedTime as string) - end).toBeGreaterThanOrEqual(4 * 60_000);
      }
      if (c.deleted && !old.deleted) gotDeleted++;
    }
    expect(gotRecording).toBeGreaterThan(0);
    expect(gotDeleted).toBeGreaterThan(0);
    expect(v1.length).toBeGreaterThan(v0.size); // calls kept ending while the clock moved
    const hidden = sim.truth.callLog({ ...window, showDeleted: false });
    expect(hidden.length).toBe(v1.filter((c) => !c.deleted).length);
  });

  it('messages: read status flips, deletions show up via ISync with their availability', async () => {
    sim = await startTestSim({ seed: 4, extensions: 20, days: 3, messagesPerExtensionPerDay: 12 });
    const { access_token: token } = await login(sim);
    const users = sim.truth.extensions().filter((e: any) => e.type === 'User' && e.status === 'Enabled').map((e: any) => e.id as number);
    const tokens = new Map<number, string>();
    for (const id of users) {
      const fs = await get(sim, token, `/restapi/v1.0/account/~/extension/${id}/message-sync?syncType=FSync&dateFrom=${iso(sim.clock.now() - 3 * DAY)}`);
      expect(fs.status).toBe(200);
      tokens.set(id, fs.body.syncInfo.syncToken);
    }
    const t0 = sim.clock.now();
    sim.clock.advance(DAY);
    const availability = new Set<string>();
    let changed = 0;
    for (const id of users) {
      const is = await get(sim, token, `/restapi/v1.0/account/~/extension/${id}/message-sync?syncType=ISync&syncToken=${tokens.get(id)}`);
      expect(is.status).toBe(200);
      for (const m of is.body.records) {
        expect(Date.parse(m.lastModifiedTime)).toBeGreaterThan(t0);
        availability.add(m.availability);
        changed++;
      }
      // The new token picks up exactly where this one stopped: nothing new yet.
      const again = await get(sim, token, `/restapi/v1.0/account/~/extension/${id}/message-sync?syncType=ISync&syncToken=${is.body.syncInfo.syncToken}`);
      expect(again.body.records).toEqual([]);
    }
    expect(changed).toBeGreaterThan(20);
    expect(availability.has('Alive')).toBe(true);
    expect(availability.has('Deleted') || availability.has('Purged')).toBe(true);
    // A token for another mailbox, a forged one, or a too-old one → MSG-333.
    const [a, b] = users;
    const cross = await get(sim, token, `/restapi/v1.0/account/~/extension/${b}/message-sync?syncType=ISync&syncToken=${tokens.get(a!)}`);
    expect(cross.body.errorCode).toBe('MSG-333');
    sim.clock.advance(40 * DAY);
    const old = await get(sim, token, `/restapi/v1.0/account/~/extension/${a}/message-sync?syncType=ISync&syncToken=${tokens.get(a!)}`);
    expect(old.status).toBe(400);
    expect(old.body.errorCode).toBe('MSG-333');
  });
});
