// Helpers for the push-notification tests: the OFFICIAL client stack (@ringcentral/sdk logged in
// against the simulator + @ringcentral/subscriptions over its WebSocket transport), and a raw
// gateway client for what the official one hides (frames, sequence numbers).

import { SDK } from '@ringcentral/sdk';
import { Subscriptions, type Subscription } from '@ringcentral/subscriptions';
import { WebSocket } from 'ws';
import type { Simulator } from '../src';
import { login } from './helpers';

let prefix = 0;

/** The official client's live subscription (from @rc-ex/ws, which the package wraps). */
export type WsSubscription = Awaited<ReturnType<Subscription['register']>>;

export interface OfficialClient {
  sdk: SDK;
  events: any[];
  sub: WsSubscription;
  /** Stops the client's recovery timers and closes its socket. */
  close(): Promise<void>;
}

export async function loggedInSdk(sim: Simulator): Promise<SDK> {
  const sdk = new SDK({ server: sim.url, clientId: sim.credentials.clientId, clientSecret: sim.credentials.clientSecret, cachePrefix: `push-test-${++prefix}-` });
  await sdk.platform().login({ jwt: sim.credentials.jwt });
  return sdk;
}

export async function officialSubscribe(sim: Simulator, filters: string[]): Promise<OfficialClient> {
  const sdk = await loggedInSdk(sim);
  const subscriptions = new Subscriptions({ sdk });
  const subscription = subscriptions.createSubscription();
  const events: any[] = [];
  subscription.on(subscription.events.notification, (e: unknown) => events.push(e));
  let sub: WsSubscription;
  try {
    sub = await subscription.setEventFilters(filters).register();
  } catch (err) {
    // A failed register() leaves the client's recovery timer running: stop it.
    for (const x of (subscriptions.rc as any).sdkExtensions) if (typeof x.revoke === 'function') await x.revoke().catch(() => undefined);
    throw err;
  }
  return {
    sdk, events, sub,
    close: async () => {
      await sub.wse.revoke().catch(() => undefined);
    },
  };
}

export async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A bare gateway connection: every frame it receives, and ClientRequest round trips. */
export class RawGateway {
  readonly frames: any[][] = [];
  private seq = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => this.frames.push(JSON.parse(String(d))));
  }

  static async open(sim: Simulator, opts: { wsc?: string; token?: { uri: string; ws_access_token: string } } = {}): Promise<RawGateway> {
    const t = opts.token ?? (await wsToken(sim)).body;
    const ws = new WebSocket(`${t.uri}?access_token=${t.ws_access_token}${opts.wsc ? `&wsc=${opts.wsc}` : ''}`);
    const g = new RawGateway(ws);
    await until('ConnectionDetails', () => g.frames.find((f) => f[0].type === 'ConnectionDetails'));
    return g;
  }

  details(): any[] {
    return this.frames.find((f) => f[0].type === 'ConnectionDetails')!;
  }

  notifications(): any[][] {
    return this.frames.filter((f) => f[0].type === 'ServerNotification');
  }

  async request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const messageId = `m${++this.seq}`;
    this.ws.send(JSON.stringify(body === undefined ? [{ type: 'ClientRequest', messageId, method, path, headers: {} }] : [{ type: 'ClientRequest', messageId, method, path, headers: {} }, body]));
    const f = await until(`reply to ${messageId}`, () => this.frames.find((x) => x[0].messageId === messageId));
    return { status: f[0].status, body: f[1] };
  }

  close(): void {
    this.ws.terminate();
  }
}

export async function wsToken(sim: Simulator, accessToken?: string): Promise<{ status: number; body: any }> {
  const token = accessToken ?? (await login(sim)).access_token;
  const r = await fetch(`${sim.url}/restapi/oauth/wstoken`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
  return { status: r.status, body: await r.json() };
}

export const WS_DELIVERY = { transportType: 'WebSocket' } as const;
export const mailboxFilter = (id: number | string): string => `/restapi/v1.0/account/~/extension/${id}/message-store`;
export const TELEPHONY_FILTER = '/restapi/v1.0/account/~/telephony/sessions';
