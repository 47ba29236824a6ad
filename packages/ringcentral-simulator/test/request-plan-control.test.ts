// Ground truth of the request-plan APIs over the control surface (--control), for drivers
// outside the process: what an ISync owes since a time, what an export holds, which export
// tasks exist; an 'export-fails' rule posted as JSON; same seed ⇒ byte-identical archives.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src';
import { DAY, HOUR, get, http, iso, login, startTestSim } from './helpers';
import { readZip } from './zip-reader';

const post = (url: string, body: unknown, token?: string) => http(url, {
  method: 'POST', headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body),
});
const REPORT = '/restapi/v1.0/account/~/message-store-report';

async function exportBytes(sim: Simulator, token: string, body: unknown): Promise<{ id: string; zips: Buffer[] }> {
  const c = await post(`${sim.url}${REPORT}`, body, token);
  expect(c.status).toBe(202);
  sim.clock.advance(sim.options.exportTaskMs);
  const list = (await get(sim, token, `${REPORT}/${c.body.id}/archive`)).body;
  const zips: Buffer[] = [];
  for (const a of list.records) {
    // The uri carries the public URL (maybe not this server's address): fetch its path here.
    const r = await fetch(`${sim.url}${new URL(a.uri).pathname}`, { headers: { Authorization: `Bearer ${token}` } });
    zips.push(Buffer.from(await r.arrayBuffer()));
  }
  return { id: c.body.id, zips };
}

describe('request-plan ground truth over /_sim/', () => {
  let sim: Simulator;
  let token: string;
  let ctl: string;
  beforeAll(async () => {
    sim = await startTestSim({ seed: 5, extensions: 30, days: 3, control: true });
    token = (await login(sim)).access_token;
    ctl = `${sim.url}/_sim`;
  });
  afterAll(() => sim.close());

  it('truth/call-log-changes = what ISync serves since an FSync', async () => {
    const f = (await get(sim, token, `/restapi/v1.0/account/~/call-log-sync?syncType=FSync&view=Detailed&recordCount=10`)).body;
    sim.clock.advance(8 * HOUR);
    const served = (await get(sim, token, `/restapi/v1.0/account/~/call-log-sync?syncType=ISync&showDeleted=true&syncToken=${encodeURIComponent(f.syncInfo.syncToken)}`)).body;
    const truth = await http(`${ctl}/truth/call-log-changes?since=${encodeURIComponent(f.syncInfo.syncTime)}&showDeleted=true`);
    expect(truth.status).toBe(200);
    expect(served.records.length).toBeGreaterThan(0);
    expect(served.records).toEqual(truth.body.records);
    expect((await http(`${ctl}/truth/call-log-changes`)).status).toBe(400);
  });

  it('truth/message-export = the archives; truth/message-export-tasks lists the task; export-fails rule over JSON', async () => {
    const now = sim.clock.now();
    const range = { dateFrom: iso(now - 2 * DAY), dateTo: iso(now) };
    const { id, zips } = await exportBytes(sim, token, range);
    const tasks = (await http(`${ctl}/truth/message-export-tasks`)).body;
    const task = tasks.find((t: any) => t.id === id);
    expect(task).toMatchObject({ ...range, fails: false, completesAt: iso(now + sim.options.exportTaskMs) });
    const truth = (await http(`${ctl}/truth/message-export?from=${range.dateFrom}&to=${range.dateTo}&at=${task.completesAt}`)).body;
    const files = new Map(zips.flatMap((z) => [...readZip(z)]));
    expect(truth.mailboxes.length).toBeGreaterThan(0);
    expect(files.size).toBe(truth.mailboxes.length);
    for (const b of truth.mailboxes) expect(JSON.parse(files.get(`${b.extensionId}/messages.json`)!.toString())).toEqual(b.messages);

    expect((await post(`${ctl}/faults`, { kind: 'export-fails' })).status).toBe(200);
    const failed = await exportBytes(sim, token, {});
    expect(failed.zips).toEqual([]);
    expect((await http(`${ctl}/truth/message-export-tasks`)).body.find((t: any) => t.id === failed.id).fails).toBe(true);
  });

  it('same seed, same calls ⇒ byte-identical export archives', async () => {
    const opts = { seed: 9, extensions: 20, days: 2, publicUrl: 'https://platform.example.test' };
    const [a, b] = await Promise.all([startTestSim(opts), startTestSim(opts)]);
    try {
      const [ta, tb] = [(await login(a)).access_token, (await login(b)).access_token];
      const body = { dateFrom: iso(a.clock.now() - DAY) };
      const [ea, eb] = [await exportBytes(a, ta, body), await exportBytes(b, tb, body)];
      expect(ea.zips.length).toBeGreaterThan(0);
      expect(ea).toEqual(eb);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
