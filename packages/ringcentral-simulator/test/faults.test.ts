// Faults on demand: each kind does what a real outage does to a client, and probabilistic
// rules fire identically for the same seed.

import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { FaultRule, Simulator } from '../src';
import { get, login, startTestSim } from './helpers';

const EXT = '/restapi/v1.0/account/~/extension';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** Raw HTTP/1.1 GET so we can see half-written bodies and cut connections. */
function rawGet(s: Simulator, path: string, token: string): Promise<{ raw: string; closedEarly: boolean }> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(s.port, '127.0.0.1', () => {
      sock.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`);
    });
    let raw = '';
    sock.on('data', (d) => (raw += d.toString('utf8')));
    sock.on('error', reject);
    sock.on('close', () => {
      const [head, body = ''] = raw.split('\r\n\r\n');
      const len = /content-length: (\d+)/i.exec(head ?? '')?.[1];
      resolve({ raw, closedEarly: len !== undefined && Buffer.byteLength(body) < Number(len) });
    });
  });
}

describe('faults', () => {
  it('503 and 500 carry RC bodies; 503 has Retry-After; times limits firing', async () => {
    sim = await startTestSim();
    const { access_token: t } = await login(sim);
    sim.faults.add({ kind: '503', retryAfterSec: 7, times: 2, match: { group: 'Medium' } });
    sim.faults.add({ kind: '500', match: { path: /directory/ } });
    const a = await get(sim, t, EXT);
    expect(a.status).toBe(503);
    expect(a.headers.get('retry-after')).toBe('7');
    expect(a.body.errorCode).toBe('CMN-201');
    expect((await get(sim, t, EXT)).status).toBe(503);
    expect((await get(sim, t, EXT)).status).toBe(200);
    const d = await get(sim, t, '/restapi/v1.0/account/~/directory/entries');
    expect(d.status).toBe(500);
    expect(d.body.errorCode).toBe('CMN-203');
    expect(d.headers.get('x-rate-limit-group')).toBe('Medium');
    expect((await get(sim, t, '/restapi/v1.0/account/~/directory/entries')).status).toBe(200);
    expect(sim.stats().faultsFired).toEqual({ '503': 2, '500': 1 });
  });

  it('403 names the missing app permission of the endpoint (CMN-401)', async () => {
    sim = await startTestSim();
    const { access_token: t } = await login(sim);
    sim.faults.add({ kind: '403', times: 2 });
    const calls = await get(sim, t, '/restapi/v1.0/account/~/call-log');
    expect(calls.status).toBe(403);
    expect(calls.body.errorCode).toBe('CMN-401');
    expect(calls.body.message).toContain('[ReadCallLog]');
    expect((await get(sim, t, '/restapi/v1.0/account/~/extension/~/message-store')).body.message).toContain('[ReadMessages]');
  });

  it('reset cuts the socket mid-body; truncated and invalid-json send 200 with unusable JSON', async () => {
    sim = await startTestSim();
    const { access_token: t } = await login(sim);
    sim.faults.add({ kind: 'reset' });
    const reset = await rawGet(sim, EXT, t);
    expect(reset.raw).toMatch(/^HTTP\/1\.1 200/);
    expect(reset.closedEarly).toBe(true);
    await expect(fetch(`${sim.url}${EXT}`, { headers: { Authorization: `Bearer ${t}` } }).then((r) => r.text())).resolves.toContain('"records"');

    sim.faults.add({ kind: 'truncated' });
    const tr = await get(sim, t, EXT);
    expect(tr.status).toBe(200);
    expect(tr.body).toBeUndefined(); // not parseable
    expect(tr.text.startsWith('{"uri":')).toBe(true);

    sim.faults.add({ kind: 'invalid-json' });
    const ij = await get(sim, t, EXT);
    expect(ij.status).toBe(200);
    expect(() => JSON.parse(ij.text)).toThrow();
    expect(sim.requestLog().filter((e) => e.fault).map((e) => e.fault)).toEqual(['reset', 'truncated', 'invalid-json']);
  });

  it('slow delays past a client timeout', async () => {
    sim = await startTestSim();
    const { access_token: t } = await login(sim);
    sim.faults.add({ kind: 'slow', delayMs: 400 });
    const started = Date.now();
    await expect(fetch(`${sim.url}${EXT}`, { headers: { Authorization: `Bearer ${t}` }, signal: AbortSignal.timeout(150) })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(400);
    await new Promise((r) => setTimeout(r, 350));
    expect((await get(sim, t, EXT)).status).toBe(200);
  });

  it('revoke-token: 401 and the token stays revoked', async () => {
    sim = await startTestSim();
    const { access_token: t } = await login(sim);
    sim.faults.add({ kind: 'revoke-token', afterRequests: 1 });
    expect((await get(sim, t, EXT)).status).toBe(200);
    const r = await get(sim, t, EXT);
    expect(r.status).toBe(401);
    expect(r.body.errorCode).toBe('OAU-129');
    expect((await get(sim, t, EXT)).body.errorCode).toBe('OAU-129');
  });

  it('404-extension really deletes the extension between list and fetch', async () => {
    sim = await startTestSim({ seed: 6 });
    const { access_token: t } = await login(sim);
    const list = (await get(sim, t, EXT)).body.records;
    const victim = list.find((e: any) => e.type === 'User' && e.id !== sim!.ownerId);
    sim.faults.add({ kind: '404-extension', match: { path: String(victim.id) } });
    const r = await get(sim, t, `${EXT}/${victim.id}/message-store`);
    expect(r.status).toBe(404);
    expect(r.body.errorCode).toBe('CMN-102');
    expect((await get(sim, t, `${EXT}/${victim.id}/message-store`)).status).toBe(404);
    expect((await get(sim, t, EXT)).body.records.find((e: any) => e.id === victim.id)).toBeUndefined();
    expect(sim.truth.extensionVersions().filter((v) => v.extensionId === victim.id).pop()!.endedByDeletion).toBe(true);
  });

  it('probabilistic faults follow the seed', async () => {
    const pattern = async (seed: number): Promise<number[]> => {
      const s = await startTestSim({ seed });
      try {
        const { access_token: t } = await login(s);
        const rule: FaultRule = { kind: '500', probability: 0.3, match: { group: 'Medium' } };
        s.faults.add(rule);
        const out: number[] = [];
        for (let i = 0; i < 40; i++) out.push((await get(s, t, EXT)).status);
        return out;
      } finally {
        await s.close();
      }
    };
    const [a, b, c] = [await pattern(1), await pattern(1), await pattern(2)];
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const fails = a.filter((x) => x === 500).length;
    expect(fails).toBeGreaterThan(3);
    expect(fails).toBeLessThan(25);
  });
});
