// Message-store export: a task that takes simulated time, then ZIP archives whose mailboxes hold
// exactly what the message store served at the task's completion; failures and refusals by
// fault rules; RC's errors for unknown tasks and bad bodies.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src';
import { DAY, get, http, iso, login, startTestSim, walkPages, type Res } from './helpers';
import { readZip } from './zip-reader';

const REPORT = '/restapi/v1.0/account/~/message-store-report';

function create(sim: Simulator, token: string, body: unknown): Promise<Res> {
  return http(`${sim.url}${REPORT}`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function download(token: string, uri: string): Promise<{ status: number; type: string | null; group: string | null; data: Buffer }> {
  const r = await fetch(uri, { headers: { Authorization: `Bearer ${token}` } });
  return { status: r.status, type: r.headers.get('content-type'), group: r.headers.get('x-rate-limit-group'), data: Buffer.from(await r.arrayBuffer()) };
}

const hasUnzip = ((): boolean => {
  try {
    execFileSync('unzip', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('message-store export', () => {
  let sim: Simulator;
  let token: string;
  beforeAll(async () => {
    sim = await startTestSim({ seed: 4, extensions: 45, days: 4, eventsPerDay: 4, exportTaskMs: 120_000, exportMailboxesPerArchive: 10 });
    token = (await login(sim)).access_token;
  });
  afterAll(() => sim.close());

  it('Accepted → InProgress → Completed over simulated time; the archives hold what the message store served', async () => {
    const now = sim.clock.now();
    const range = { dateFrom: iso(now - 3 * DAY), dateTo: iso(now - DAY / 2) };
    const c = await create(sim, token, range);
    expect(c.status).toBe(202);
    expect(c.headers.get('x-rate-limit-group')).toBe('Heavy');
    expect(c.body).toMatchObject({ status: 'Accepted', ...range, creationTime: iso(now) });
    const poll = async (): Promise<any> => (await get(sim, token, `${REPORT}/${c.body.id}`)).body;
    expect((await get(sim, token, c.body.uri)).body.id).toBe(c.body.id);
    expect((await get(sim, token, `${REPORT}/${c.body.id}/archive`)).body).toEqual({ records: [] });
    sim.clock.advance(30_000);
    expect((await poll()).status).toBe('InProgress');
    sim.clock.advance(89_999);
    expect((await poll()).status).toBe('InProgress');
    sim.clock.advance(1);
    const done = await poll();
    expect(done).toMatchObject({ status: 'Completed', lastModifiedTime: iso(now + 120_000) });
    const completedAt = sim.clock.now();

    const list = await get(sim, token, `${REPORT}/${c.body.id}/archive`);
    expect(list.status).toBe(200);
    expect(list.body.records.length).toBeGreaterThan(1); // 10 mailboxes per archive
    const files = new Map<string, Buffer>();
    const bytes: Buffer[] = [];
    for (const a of list.body.records) {
      const d = await download(token, a.uri);
      bytes.push(d.data);
      expect(d).toMatchObject({ status: 200, type: 'application/zip', group: 'Heavy' });
      expect(d.data.length).toBe(a.size);
      if (hasUnzip) {
        const f = path.join(os.tmpdir(), `sim-export-${process.pid}.zip`);
        fs.writeFileSync(f, d.data);
        try {
          expect(execFileSync('unzip', ['-tq', f]).toString()).toMatch(/No errors detected/);
        } finally {
          fs.rmSync(f, { force: true });
        }
      }
      for (const [name, data] of readZip(d.data)) files.set(name, data);
    }
    // The archives, file by file, = what each mailbox's message-store listing serves now
    // (the clock stands at completion), availability Alive + Deleted.
    const truth = sim.truth.messageExport({ from: range.dateFrom, to: range.dateTo, at: completedAt });
    expect([...files.keys()].sort()).toEqual(truth.map((b) => `${b.extensionId}/messages.json`).sort());
    for (const b of truth.slice(0, 6)) {
      const pages = await walkPages(sim, token, `/restapi/v1.0/account/~/extension/${b.extensionId}/message-store?dateFrom=${range.dateFrom}&dateTo=${range.dateTo}&perPage=1000`);
      const served = pages.flatMap((p) => p.records);
      expect(JSON.parse(files.get(`${b.extensionId}/messages.json`)!.toString('utf8'))).toEqual(served);
    }
    expect(truth.reduce((n, b) => n + b.messages.length, 0)).toBeGreaterThan(50);
    // Downloads are stable: the same bytes later, even after the account moved on.
    sim.clock.advance(DAY);
    const again = await download(token, list.body.records[0].uri);
    expect(again.data.equals(bytes[0]!)).toBe(true);
  });

  it('messageTypes filter; defaults: dateTo = now, dateFrom = dateTo - 24 h', async () => {
    const now = sim.clock.now();
    const c = await create(sim, token, { messageTypes: ['Fax'] });
    expect(c.body).toMatchObject({ dateTo: iso(now), dateFrom: iso(now - DAY) });
    sim.clock.advance(120_000);
    const list = (await get(sim, token, `${REPORT}/${c.body.id}/archive`)).body;
    const msgs = list.records.length ? [...readZip((await download(token, list.records[0].uri)).data).values()].flatMap((b) => JSON.parse(b.toString())) : [];
    expect(msgs.every((m: any) => m.type === 'Fax')).toBe(true);
    const truth = sim.truth.messageExport({ from: now - DAY, to: now, at: now + 120_000, messageTypes: ['Fax'] });
    expect(msgs.length).toBe(truth.reduce((n, b) => n + b.messages.length, 0));
  });

  it('fault rules: export-fails ends the task Failed (no archives); 403 names ReadMessages', async () => {
    sim.faults.add({ kind: 'export-fails', match: { path: 'message-store-report' } });
    const c = await create(sim, token, {});
    expect(c.status).toBe(202);
    sim.clock.advance(120_000);
    expect((await get(sim, token, `${REPORT}/${c.body.id}`)).body.status).toBe('Failed');
    expect((await get(sim, token, `${REPORT}/${c.body.id}/archive`)).body).toEqual({ records: [] });
    expect((await get(sim, token, `${REPORT}/${c.body.id}/archive/1`)).status).toBe(404);
    sim.faults.add({ kind: '403', match: { path: 'message-store-report' } });
    const refused = await create(sim, token, {});
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/ReadMessages/);
  });

  it('unknown task → 404 CMN-102; bad body → 400', async () => {
    const r = await get(sim, token, `${REPORT}/nope`);
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ errorCode: 'CMN-102', errors: [{ parameterName: 'taskId' }] });
    expect((await create(sim, token, '{not json')).body.errorCode).toBe('CMN-104');
    const now = sim.clock.now();
    const backwards = await create(sim, token, { dateFrom: iso(now), dateTo: iso(now - DAY) });
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors[0].parameterName).toBe('dateFrom');
    expect((await create(sim, token, { messageTypes: ['Telegram'] })).body.errors[0].parameterName).toBe('messageTypes');
    expect((await get(sim, token, REPORT)).status).toBe(405);
  });
});
