// The gateway's protocol seen raw (what the official client hides): the wstoken endpoint, token
// checks on connect, heartbeats, sequence gaps from lost events, subscription CRUD, filter
// validation and the per-subscription filter limit, and the push control endpoints over HTTP.

import fs from 'node:fs';
import fc from 'fast-check';
import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../src';
import { HOUR, http, startTestSim } from './helpers';
import { buildValidators, loadSubset, specPath } from './openapi';
import { RawGateway, TELEPHONY_FILTER, WS_DELIVERY, mailboxFilter, until, wsToken } from './push-support';

const validate = buildValidators(loadSubset().schemas);

let sim: Simulator | undefined;
const open: RawGateway[] = [];
afterEach(async () => {
  for (const g of open.splice(0)) g.close();
  await sim?.close();
  sim = undefined;
});

async function gateway(s: Simulator, opts: Parameters<typeof RawGateway.open>[1] = {}): Promise<RawGateway> {
  const g = await RawGateway.open(s, opts);
  open.push(g);
  return g;
}

describe('wstoken and connecting', () => {
  it('POST /restapi/oauth/wstoken needs a Bearer token and answers {uri, ws_access_token, expires_in}', async () => {
    sim = await startTestSim();
    const anon = await http(`${sim.url}/restapi/oauth/wstoken`, { method: 'POST' });
    expect(anon.status).toBe(401);
    expect(anon.body.errorCode).toBe('OAU-149');
    const r = await wsToken(sim);
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(['expires_in', 'uri', 'ws_access_token']);
    expect(r.body.uri).toBe(`${sim.url.replace('http', 'ws')}/ws`);
    expect(r.body.expires_in).toBe(600);
    expect(sim.requestLog().at(-1)).toMatchObject({ route: 'wstoken', group: 'Auth', status: 200 });
  });

  it('the gateway refuses an unknown token (401 on upgrade) and sends ConnectionDetails to a good one', async () => {
    sim = await startTestSim();
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${sim!.url.replace('http', 'ws')}/ws?access_token=forged`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    expect(status).toBe(401);
    const g = await gateway(sim);
    const [meta, body] = g.details();
    expect(meta.wsc.sequence).toBe(0);
    expect(typeof meta.wsc.token).toBe('string');
    expect(body).toMatchObject({ recoveryTimeout: 180, recoveryBufferSize: 100 });
    expect(body.recoveryState).toBeUndefined();
  });

  it('answers a Heartbeat with the same messageId', async () => {
    sim = await startTestSim();
    const g = await gateway(sim);
    g.ws.send(JSON.stringify([{ type: 'Heartbeat', messageId: 'hb-1' }]));
    const f = await until('heartbeat', () => g.frames.find((x) => x[0].type === 'Heartbeat'));
    expect(f[0]).toMatchObject({ type: 'Heartbeat', messageId: 'hb-1', status: 200 });
  });
});

describe('subscriptions over the gateway', () => {
  it('create, read, list, update, renew, delete; then 404 CMN-102', async () => {
    sim = await startTestSim();
    const g = await gateway(sim);
    const created = await g.request('POST', '/restapi/v1.0/subscription', { eventFilters: [TELEPHONY_FILTER], deliveryMode: WS_DELIVERY, expiresIn: 60 });
    expect(created.status).toBe(200);
    const id = created.body.id;
    expect(created.body.deliveryMode.transportType).toBe('WebSocket');
    expect((await g.request('GET', `/restapi/v1.0/subscription/${id}`)).body).toMatchObject({ id, status: 'Active' });
    expect((await g.request('GET', '/restapi/v1.0/subscription')).body.records.map((r: any) => r.id)).toEqual([id]);
    const mailbox = sim.ownerId;
    const updated = await g.request('PUT', `/restapi/v1.0/subscription/${id}`, { eventFilters: [mailboxFilter('~')] });
    expect(updated.body.eventFilters).toEqual([`/restapi/v1.0/account/${sim.accountId}/extension/${mailbox}/message-store`]);
    expect((await g.request('POST', `/restapi/v1.0/subscription/${id}/renew`)).status).toBe(200);
    expect((await g.request('DELETE', `/restapi/v1.0/subscription/${id}`)).status).toBe(204);
    const gone = await g.request('GET', `/restapi/v1.0/subscription/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.errorCode).toBe('CMN-102');
  });

  it('refuses unknown filters, other accounts, malformed mailboxes and other transports (400 CMN-101)', async () => {
    sim = await startTestSim();
    const g = await gateway(sim);
    const bad = [
      '/restapi/v1.0/account/~/extension/~/presence',
      '/restapi/v1.0/account/123/telephony/sessions',
      '/restapi/v1.0/account/~/extension/abc/message-store',
      'not a filter',
    ];
    for (const f of bad) {
      const r = await g.request('POST', '/restapi/v1.0/subscription', { eventFilters: [TELEPHONY_FILTER, f], deliveryMode: WS_DELIVERY });
      expect(r.status, f).toBe(400);
      expect(r.body.errors[0]).toMatchObject({ errorCode: 'CMN-101', parameterName: 'eventFilters', parameterValue: f });
    }
    const pubnub = await g.request('POST', '/restapi/v1.0/subscription', { eventFilters: [TELEPHONY_FILTER], deliveryMode: { transportType: 'PubNub' } });
    expect(pubnub.status).toBe(400);
    expect(sim.push.subscriptions()).toEqual([]);
  });

  it('a mailbox filter for a missing or deleted extension → 400 OAU-232, a Disabled or Frozen one → 400 OAU-236, on create and update', async () => {
    sim = await startTestSim();
    const s = sim;
    const g = await gateway(s);
    const users = s.truth.extensions().filter((e: any) => e.status === 'Enabled' && e.type === 'User' && e.id !== s.ownerId).map((e: any) => e.id as number);
    const [deleted, disabled, frozen, fine] = users as [number, number, number, number];
    s.events.delete(deleted);
    s.events.disable(disabled);
    s.events.update(frozen, { status: 'Frozen' });
    s.clock.advance(HOUR);
    const { body: sub } = await g.request('POST', '/restapi/v1.0/subscription', { eventFilters: [TELEPHONY_FILTER, mailboxFilter(fine)], deliveryMode: WS_DELIVERY });
    const refused: Array<[string, string, string]> = [
      [mailboxFilter(999_999), 'OAU-232', 'Extension not found'],
      [mailboxFilter(deleted), 'OAU-232', 'Extension not found'],
      [`/restapi/v1.0/account/${s.accountId}/extension/${disabled}/message-store`, 'OAU-236', 'Extension is disabled or frozen'],
      [mailboxFilter(frozen), 'OAU-236', 'Extension is disabled or frozen'],
    ];
    for (const [f, code, message] of refused) {
      const eventFilters = [TELEPHONY_FILTER, mailboxFilter(fine), f];
      for (const r of [
        await g.request('POST', '/restapi/v1.0/subscription', { eventFilters, deliveryMode: WS_DELIVERY }),
        await g.request('PUT', `/restapi/v1.0/subscription/${sub.id}`, { eventFilters }),
      ]) {
        expect(r.status, f).toBe(400);
        expect(validate.rcError!(r.body), JSON.stringify(validate.rcError!.errors)).toBe(true);
        expect(r.body).toEqual({ errorCode: code, message, errors: [{ errorCode: code, message, parameterName: 'eventFilters', parameterValue: f }] });
      }
    }
    // The refused update changed nothing; no refused create left a subscription behind.
    expect(sim.push.subscriptions()).toEqual([expect.objectContaining({ id: sub.id, eventFilters: sub.eventFilters })]);
  });

  it.runIf(fs.existsSync(specPath()))('OAU-232 and OAU-236 are the official codes and messages of subscription create and update', () => {
    const spec = JSON.parse(fs.readFileSync(specPath(), 'utf8'));
    for (const op of [spec.paths['/restapi/v1.0/subscription'].post, spec.paths['/restapi/v1.0/subscription/{subscriptionId}'].put]) {
      expect(op['x-error-codes']).toEqual(expect.arrayContaining([
        { httpCode: '400', errorCode: 'OAU-232', message: 'Extension not found' },
        { httpCode: '400', errorCode: 'OAU-236', message: 'Extension is disabled or frozen' },
      ]));
    }
  });

  it('property: up to the filter limit a subscription holds the distinct expanded filters; above it, 400 CMN-101', async () => {
    const limit = 6;
    sim = await startTestSim({ push: { maxFiltersPerSubscription: limit } });
    const s = sim;
    const g = await gateway(s);
    const mailboxes = s.truth.extensions().filter((e: any) => e.status === 'Enabled' && e.type === 'User').map((e: any) => e.id as number);
    const filter = fc.oneof(
      fc.constantFrom(TELEPHONY_FILTER, `/restapi/v1.0/account/${s.accountId}/telephony/sessions`, mailboxFilter('~')),
      fc.constantFrom(...mailboxes).chain((id) => fc.constantFrom(mailboxFilter(id), `/restapi/v1.0/account/${s.accountId}/extension/${id}/message-store`)),
    );
    await fc.assert(fc.asyncProperty(fc.array(filter, { minLength: 1, maxLength: limit + 4 }), async (filters) => {
      const r = await g.request('POST', '/restapi/v1.0/subscription', { eventFilters: filters, deliveryMode: WS_DELIVERY });
      if (filters.length > limit) {
        expect(r.status).toBe(400);
        expect(r.body.errorCode).toBe('CMN-101');
        return;
      }
      expect(r.status).toBe(200);
      const expand = (f: string): string => f.replace('/account/~/', `/account/${s.accountId}/`).replace('/extension/~/', `/extension/${s.ownerId}/`);
      expect([...r.body.eventFilters].sort()).toEqual([...new Set(filters.map(expand))].sort());
      expect((await g.request('DELETE', `/restapi/v1.0/subscription/${r.body.id}`)).status).toBe(204);
    }), { numRuns: 40 });
  });
});

describe('chaos', () => {
  it('lost events leave a gap in wsc.sequence; the rest arrive in order', async () => {
    sim = await startTestSim({ seed: 4 });
    const g = await gateway(sim);
    await g.request('POST', '/restapi/v1.0/subscription', { eventFilters: [TELEPHONY_FILTER], deliveryMode: WS_DELIVERY });
    sim.push.loseEvents(2);
    sim.clock.advance(HOUR);
    sim.push.deliverNow();
    const { delivered, lost } = sim.push.stats();
    expect(lost).toBe(2);
    expect(delivered).toBeGreaterThan(0);
    await until('notifications', () => g.notifications().length === delivered);
    const seqs = g.notifications().map((f) => f[0].wsc.sequence);
    expect(seqs).toEqual(Array.from({ length: delivered }, (_, i) => i + 3));
  });

  it('recovery: reconnecting with wsc resumes the session and replays, in sequence, what was sent meanwhile', async () => {
    sim = await startTestSim({ seed: 4 });
    const g = await gateway(sim);
    const { body: sub } = await g.request('POST', '/restapi/v1.0/subscription', { eventFilters: [TELEPHONY_FILTER], deliveryMode: WS_DELIVERY });
    const wsc = g.details()[0].wsc.token;
    g.close();
    await until('the drop', () => sim!.push.stats().connections === 0);
    sim.clock.advance(HOUR);
    sim.push.deliverNow();
    const { buffered } = sim.push.stats();
    expect(buffered).toBeGreaterThan(0);
    const back = await gateway(sim, { wsc });
    expect(back.details()[1].recoveryState).toBe('Successful');
    expect(back.details()[0].wsc.token).toBe(wsc);
    await until('the replay', () => back.notifications().length === buffered);
    expect(back.notifications().map((f) => f[0].wsc.sequence)).toEqual(Array.from({ length: buffered }, (_, i) => i + 1));
    expect(new Set(back.notifications().map((f) => f[1].subscriptionId))).toEqual(new Set([sub.id]));
  });

  it('recovery fails after a buffer overflow: recoveryState Failed, a new session, the old subscriptions gone', async () => {
    sim = await startTestSim({ seed: 4, push: { recoveryBufferSize: 1 } });
    const g = await gateway(sim);
    await g.request('POST', '/restapi/v1.0/subscription', { eventFilters: [TELEPHONY_FILTER], deliveryMode: WS_DELIVERY });
    const wsc = g.details()[0].wsc.token;
    g.close();
    await until('the drop', () => sim!.push.stats().connections === 0);
    sim.clock.advance(HOUR);
    sim.push.deliverNow();
    const back = await gateway(sim, { wsc });
    expect(back.details()[1]).toMatchObject({ recoveryState: 'Failed' });
    expect(back.details()[0].wsc.token).not.toBe(wsc);
    expect(sim.push.subscriptions()).toEqual([]);
  });

  it('a session and its subscriptions end at the absolute timeout', async () => {
    sim = await startTestSim({ push: { absoluteTimeoutSec: 1 } });
    const g = await gateway(sim);
    const { body: sub } = await g.request('POST', '/restapi/v1.0/subscription', { eventFilters: [TELEPHONY_FILTER], deliveryMode: WS_DELIVERY });
    expect(sub.expiresIn).toBeLessThanOrEqual(1);
    await until('the subscription to end', () => sim!.push.subscriptions().length === 0, 10_000);
    await until('the socket to close', () => g.ws.readyState === WebSocket.CLOSED, 10_000);
  });

  it('control surface: GET /_sim/push, POST /_sim/push/lose, /drop and /expire', async () => {
    sim = await startTestSim({ control: true });
    const g = await gateway(sim);
    const { body: sub } = await g.request('POST', '/restapi/v1.0/subscription', { eventFilters: [TELEPHONY_FILTER], deliveryMode: WS_DELIVERY });
    const post = (path: string, body: unknown) => http(`${sim!.url}/_sim/push/${path}`, { method: 'POST', body: JSON.stringify(body) });
    const state = await http(`${sim.url}/_sim/push`);
    expect(state.body).toMatchObject({ subscriptions: 1, connections: 1 });
    expect(state.body.records[0]).toMatchObject({ id: sub.id, connected: true });
    expect((await post('lose', { count: -1 })).status).toBe(400);
    expect((await post('lose', { count: 1 })).status).toBe(200);
    expect((await post('drop', {})).body).toEqual({ dropped: 1 });
    await until('the drop', () => sim!.push.stats().connections === 0);
    expect((await post('expire', { subscriptionId: sub.id })).body).toEqual({ expired: 1 });
    expect((await http(`${sim.url}/_sim/push`)).body.records).toEqual([]);
  });
});
