// Push notifications with the OFFICIAL client (@ringcentral/sdk + @ringcentral/subscriptions,
// unchanged): it subscribes over the simulator's WebSocket gateway, receives events the living
// account produces (checked against what the REST API serves for the same time and against the
// official schemas), recovers from a dropped connection, and notices an expired subscription.

import type { ValidateFunction } from 'ajv';
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../src';
import { HOUR, iso, login, startTestSim, walkPages } from './helpers';
import { buildValidators, loadSubset } from './openapi';
import { TELEPHONY_FILTER, mailboxFilter, officialSubscribe, until, type OfficialClient } from './push-support';

const { schemas, source } = loadSubset();
const v = buildValidators(schemas);

function check(validate: ValidateFunction, body: unknown, what: string): void {
  if (!validate(body)) throw new Error(`${what} does not match the RC schema (${source}):\n${JSON.stringify(validate.errors?.slice(0, 5), null, 1)}`);
}

let sim: Simulator | undefined;
let client: OfficialClient | undefined;
afterEach(async () => {
  await client?.close();
  await sim?.close();
  client = undefined;
  sim = undefined;
});

const users = (s: Simulator): number[] =>
  s.truth.extensions().filter((e: any) => e.type === 'User' && e.status === 'Enabled').map((e: any) => e.id as number);

/** Moves simulated time on and waits until the client holds every notification the gateway sent. */
async function advanceAndDrain(s: Simulator, c: OfficialClient, ms: number): Promise<void> {
  s.clock.advance(ms);
  s.push.deliverNow();
  await until('the client to receive every notification sent', () => c.events.length === s.push.stats().delivered + s.push.stats().replayed);
}

describe('push notifications, official client', () => {
  it('subscribes; message-store and telephony events from the living account match the REST API and the schemas', async () => {
    sim = await startTestSim({ seed: 5 });
    const mailboxes = users(sim);
    client = await officialSubscribe(sim, [TELEPHONY_FILTER, ...mailboxes.map(mailboxFilter)]);
    const info = client.sub.subscriptionInfo!;
    check(v.createSubscriptionRequest, client.sub.requestBody, 'the official client\'s create request');
    check(v.subscriptionInfo, info, 'subscription');
    expect(info.eventFilters).toContain(`/restapi/v1.0/account/${sim.accountId}/telephony/sessions`);
    expect(info.eventFilters).toHaveLength(mailboxes.length + 1);

    const t0 = sim.clock.now();
    await advanceAndDrain(sim, client, 2 * HOUR);
    const t1 = sim.clock.now();
    const events = client.events;
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) {
      expect(e.subscriptionId).toBe(info.id);
      expect(info.eventFilters).toContain(e.event);
      check(e.event.endsWith('/telephony/sessions') ? v.telephonyEvent : v.messageEvent, e, `event ${e.event}`);
      expect(Date.parse(e.timestamp)).toBeGreaterThan(t0);
      expect(Date.parse(e.timestamp)).toBeLessThanOrEqual(t1);
    }

    // Messages: per mailbox, the new counts add up to what the message store serves for (t0, t1].
    const { access_token: token } = await login(sim);
    const window = `dateFrom=${iso(t0 + 1)}&dateTo=${iso(t1 + 1)}`;
    let newMessages = 0;
    for (const id of mailboxes) {
      const pages = await walkPages(sim, token, `/restapi/v1.0/account/~/extension/${id}/message-store?availability=Alive&availability=Deleted&availability=Purged&perPage=1000&${window}`);
      const served = pages.flatMap((p) => p.records).length;
      const notified = events.filter((e) => e.body.extensionId === String(id))
        .flatMap((e) => e.body.changes).reduce((n: number, c: any) => n + (c.newCount ?? 0), 0);
      expect(notified, `mailbox ${id}`).toBe(served);
      newMessages += served;
    }
    expect(newMessages).toBeGreaterThan(0);

    // Calls: every call the call log serves from the window was notified starting and ending;
    // every session notified as ended long enough ago is in the call log.
    const calls = (await walkPages(sim, token, `/restapi/v1.0/account/~/call-log?showDeleted=true&perPage=1000&${window}`)).flatMap((p) => p.records);
    const phone = events.filter((e) => e.event.endsWith('/telephony/sessions'));
    const codes = (tsid: string): string[] => phone.filter((e) => e.body.telephonySessionId === tsid).map((e) => e.body.parties[0].status.code);
    expect(calls.length).toBeGreaterThan(0);
    for (const c of calls) expect(codes(c.telephonySessionId), c.telephonySessionId).toEqual(['Proceeding', 'Disconnected']);
    const logged = new Set(calls.map((c) => c.telephonySessionId));
    const startedInWindow = new Set(phone.filter((e) => e.body.parties[0].status.code === 'Proceeding').map((e) => e.body.telephonySessionId));
    for (const e of phone) {
      if (e.body.parties[0].status.code === 'Disconnected' && startedInWindow.has(e.body.telephonySessionId) && Date.parse(e.body.eventTime) + 30_000 <= t1) {
        expect(logged.has(e.body.telephonySessionId), e.body.telephonySessionId).toBe(true);
      }
    }
  });

  it('with a running clock, events arrive by themselves (the gateway polls the simulated clock)', async () => {
    sim = await startTestSim({ seed: 5, clockSpeed: 3600 }); // one simulated hour per second
    client = await officialSubscribe(sim, [TELEPHONY_FILTER]);
    await until('events from the running account', () => client!.events.length > 0);
    expect(client.events[0].subscriptionId).toBe(client.sub.subscriptionInfo!.id);
  });

  it('survives a dropped connection: the client recovers its session and gets the events sent meanwhile', async () => {
    sim = await startTestSim({ seed: 6 });
    client = await officialSubscribe(sim, [TELEPHONY_FILTER]);
    const id = client.sub.subscriptionInfo!.id;
    let recovered = 0;
    client.sub.wse.eventEmitter.on('autoRecoverSuccess', () => recovered++);

    expect(sim.push.dropConnections()).toBe(1);
    await until('the gateway to notice the drop', () => sim!.push.stats().connections === 0);
    sim.clock.advance(HOUR);
    sim.push.deliverNow();
    const buffered = sim.push.stats().buffered;
    expect(buffered).toBeGreaterThan(0);
    expect(client.events).toHaveLength(0);

    await until('the replayed events', () => client!.events.length === buffered);
    expect(recovered).toBe(1);
    expect(sim.push.stats().replayed).toBe(buffered);
    expect(client.sub.subscriptionInfo!.id).toBe(id);
    expect(new Set(client.events.map((e) => e.subscriptionId))).toEqual(new Set([id]));
    // And it stays live afterwards.
    await advanceAndDrain(sim, client, HOUR);
    expect(client.events.length).toBeGreaterThan(buffered);
  });

  it('a session past its recovery window fails to recover; the client subscribes anew', async () => {
    sim = await startTestSim({ seed: 6, push: { recoveryTimeoutSec: 0 } });
    client = await officialSubscribe(sim, [TELEPHONY_FILTER]);
    const first = client.sub.subscriptionInfo!.id;
    sim.push.dropConnections();
    await until('a new subscription', () => client!.sub.subscriptionInfo && client!.sub.subscriptionInfo.id !== first);
    expect(sim.push.subscriptions().map((s) => s.id)).toEqual([client.sub.subscriptionInfo!.id]);
    await advanceAndDrain(sim, client, HOUR);
    expect(client.events.length).toBeGreaterThan(0);
  });

  it('an expired subscription gets no events; refresh() finds it gone and subscribes anew', async () => {
    sim = await startTestSim({ seed: 7 });
    client = await officialSubscribe(sim, [TELEPHONY_FILTER]);
    const first = client.sub.subscriptionInfo!.id;
    expect(sim.push.expireSubscriptions(first)).toBe(1);
    sim.clock.advance(HOUR);
    sim.push.deliverNow();
    await new Promise((r) => setTimeout(r, 200));
    expect(client.events).toHaveLength(0);
    expect(sim.push.stats().delivered).toBe(0);

    await client.sub.refresh(); // PUT → 404 → POST, as the client does
    const second = client.sub.subscriptionInfo!.id;
    expect(second).not.toBe(first);
    await advanceAndDrain(sim, client, HOUR);
    expect(client.events.length).toBeGreaterThan(0);
    expect(new Set(client.events.map((e) => e.subscriptionId))).toEqual(new Set([second]));
  });

  it('wstoken refused for a missing WebSocketsSubscription permission (a 403 fault rule): register() fails with it', async () => {
    sim = await startTestSim();
    // The client retries a failed first connect once its recovery timer fires, so the refusal stays on.
    sim.faults.add({ kind: '403', match: { path: '/restapi/oauth/wstoken' }, times: 1_000 });
    const err: any = await officialSubscribe(sim, [TELEPHONY_FILTER]).then(() => undefined, (e) => e);
    expect(err?.response?.status).toBe(403);
    const body = await err.response.clone().json();
    expect(body.errorCode).toBe('CMN-401');
    expect(body.message).toContain('WebSocketsSubscription');
    expect(sim.push.subscriptions()).toEqual([]);
  });
});
