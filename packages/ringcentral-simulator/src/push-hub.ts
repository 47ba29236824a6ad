// Push notifications: WebSocket tokens, gateway sessions (with RingCentral's recovery: a
// dropped session resumes, its buffered events replayed, when the client reconnects with its
// `wsc` token in time), subscriptions over them, delivery of the living account's events, and
// chaos on demand (drop connections, lose events, expire subscriptions).
// Lifetimes run on wall time like tokens; event times are simulated time like the data.

import { randomBytes, randomUUID } from 'node:crypto';
import type { Session } from './auth';
import { ApiError, invalidParam, notFoundParam } from './errors';
import type { Core } from './handlers';
import { PUSH_DEFAULTS, type PushConfig, type PushStats } from './push-config';
import { MAX_EVENT_SPAN_MS, messageStoreEvent, telephonyEvents, type AccountEvent } from './push-events';
import { parseFilters, type PushFilter } from './push-filters';
import { iso } from './clock';

/** What the hub needs of a gateway socket (kept narrow so the public types do not need ws's typings). */
export interface GatewaySocket {
  readonly readyState: number;
  send(data: string): void;
  terminate(): void;
}

export interface WsSession {
  token: string;
  auth: Session;
  createdAt: number;
  sequence: number;
  socket?: GatewaySocket;
  droppedAt?: number;
  buffer: string[];
  overflowed: boolean;
}

interface Sub {
  id: string;
  filters: PushFilter[];
  session: WsSession;
  createdAt: number;
  /** Simulated time of creation: only later changes are notified. */
  since: number;
}

export interface Reply {
  status: number;
  body?: unknown;
}

export const frame = (meta: Record<string, unknown>, body?: unknown): string =>
  JSON.stringify(body === undefined ? [meta] : [meta, body]);

const OPEN = 1;

export class PushHub {
  readonly cfg: PushConfig;
  private readonly wsTokens = new Map<string, { auth: Session; expiresAt: number }>();
  private readonly sessions = new Map<string, WsSession>();
  private readonly subs = new Map<string, Sub>();
  private readonly counters = { delivered: 0, buffered: 0, replayed: 0, lost: 0 };
  private loseNext = 0;
  private lastT: number | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly core: Core, private readonly wall: () => number, cfg: Partial<PushConfig> = {}) {
    this.cfg = { ...PUSH_DEFAULTS, ...cfg };
    this.timer = setInterval(() => this.deliver(), this.cfg.pollMs);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
    for (const s of this.sessions.values()) s.socket?.terminate();
  }

  /** POST /restapi/oauth/wstoken: where the gateway is and a short-lived token for it. */
  issueWsToken(auth: Session): Record<string, unknown> {
    const token = `SIMWS${randomBytes(24).toString('base64url')}`;
    this.wsTokens.set(token, { auth, expiresAt: this.wall() + this.cfg.wsTokenTtlSec * 1000 });
    return { uri: `${this.core.ctx.base.replace(/^http/, 'ws')}/ws`, ws_access_token: token, expires_in: this.cfg.wsTokenTtlSec };
  }

  /** The OAuth session behind a gateway token, if the token is known, unexpired and its session not revoked. */
  authorizeWs(token: string | null): Session | undefined {
    const t = token ? this.wsTokens.get(token) : undefined;
    if (!t || t.expiresAt <= this.wall() || t.auth.revoked) return undefined;
    return t.auth;
  }

  /**
   * A new connection: resumes the session named by `wsc` when it may be recovered, else starts a
   * fresh one (a failed recovery drops the old session's subscriptions, as the client then
   * re-subscribes). Returns the session and the ConnectionDetails frame.
   */
  connect(auth: Session, socket: GatewaySocket, wsc: string | null): { session: WsSession; details: string; replay: string[] } {
    this.expire();
    const old = wsc ? this.sessions.get(wsc) : undefined;
    const recoverable = !!old && old.auth.clientId === auth.clientId && old.auth.ownerId === auth.ownerId && !old.overflowed && !old.socket;
    let session: WsSession;
    let replay: string[] = [];
    if (recoverable) {
      session = old!;
      replay = session.buffer;
      session.buffer = [];
      session.droppedAt = undefined;
      this.counters.replayed += replay.length;
    } else {
      if (old) this.endSession(old);
      session = { token: `SIMWSC${randomBytes(18).toString('base64url')}`, auth, createdAt: this.wall(), sequence: 0, buffer: [], overflowed: false };
      this.sessions.set(session.token, session);
    }
    session.socket = socket;
    const c = this.cfg;
    const details = frame(
      { type: 'ConnectionDetails', messageId: randomUUID(), status: 200, headers: {}, wsc: { token: session.token, sequence: session.sequence } },
      {
        creationTime: iso(session.createdAt), maxConnectionsPerSession: 1, recoveryBufferSize: c.recoveryBufferSize,
        recoveryTimeout: c.recoveryTimeoutSec, idleTimeout: c.idleTimeoutSec, absoluteTimeout: c.absoluteTimeoutSec, maxActiveRequests: 10,
        ...(wsc ? { recoveryState: recoverable ? 'Successful' : 'Failed' } : {}),
      },
    );
    return { session, details, replay };
  }

  disconnected(session: WsSession, socket: GatewaySocket): void {
    if (session.socket !== socket) return;
    session.socket = undefined;
    session.droppedAt = this.wall();
  }

  /** Subscription requests the gateway carries (ClientRequest frames). */
  request(session: WsSession, method: string, path: string, body: unknown): Reply {
    try {
      this.expire();
      const m = /^\/restapi\/v1\.0\/subscription(?:\/([^/?]+))?(\/renew)?\/?$/.exec(path);
      if (!m) return { status: 404, body: { errorCode: 'CMN-120', message: 'Invalid URI', errors: [{ errorCode: 'CMN-120', message: 'Invalid URI' }] } };
      const [, id, renew] = m;
      if (!id && method === 'POST') return { status: 200, body: this.create(session, body) };
      if (!id && method === 'GET') return { status: 200, body: { uri: `${this.core.ctx.base}/restapi/v1.0/subscription`, records: this.owned(session).map((s) => this.render(s)) } };
      if (id && !renew && method === 'GET') return { status: 200, body: this.render(this.find(session, id)) };
      if (id && ((renew && method === 'POST') || (!renew && method === 'PUT'))) return { status: 200, body: this.update(this.find(session, id), renew ? {} : body) };
      if (id && !renew && method === 'DELETE') {
        this.subs.delete(this.find(session, id).id);
        return { status: 204 };
      }
      return { status: 405, body: { errorCode: 'CMN-120', message: `Method [${method}] is not allowed for this resource`, errors: [{ errorCode: 'CMN-120', message: `Method [${method}] is not allowed for this resource` }] } };
    } catch (err) {
      if (err instanceof ApiError) return { status: err.status, body: err.body };
      throw err;
    }
  }

  private create(session: WsSession, raw: unknown): Record<string, unknown> {
    const b = (raw ?? {}) as Record<string, any>;
    // Over the gateway only the WebSocket transport exists (the v1.0.46 enum predates it).
    if (b.deliveryMode?.transportType !== 'WebSocket') throw invalidParam('deliveryMode.transportType', String(b.deliveryMode?.transportType));
    const filters = parseFilters(this.core, b.eventFilters, this.cfg.maxFiltersPerSubscription);
    const sub: Sub = { id: randomUUID(), filters, session, createdAt: this.wall(), since: this.core.now() };
    this.lastT ??= sub.since;
    this.subs.set(sub.id, sub);
    return this.render(sub);
  }

  private update(sub: Sub, raw: unknown): Record<string, unknown> {
    const b = (raw ?? {}) as Record<string, any>;
    if (b.eventFilters !== undefined) sub.filters = parseFilters(this.core, b.eventFilters, this.cfg.maxFiltersPerSubscription);
    return this.render(sub);
  }

  private owned(session: WsSession): Sub[] {
    return [...this.subs.values()].filter((s) => s.session.auth.clientId === session.auth.clientId && s.session.auth.ownerId === session.auth.ownerId);
  }

  private find(session: WsSession, id: string): Sub {
    const s = this.owned(session).find((x) => x.id === id);
    if (!s) throw notFoundParam('subscriptionId', id);
    return s;
  }

  private render(s: Sub): Record<string, unknown> {
    // WebSocket subscriptions ignore a requested expiresIn and live as long as their session.
    const expiresAt = s.session.createdAt + this.cfg.absoluteTimeoutSec * 1000;
    return {
      uri: `${this.core.ctx.base}/restapi/v1.0/subscription/${s.id}`,
      id: s.id,
      creationTime: iso(s.createdAt),
      status: 'Active',
      eventFilters: s.filters.map((f) => f.uri),
      expirationTime: iso(expiresAt),
      expiresIn: Math.max(0, Math.floor((expiresAt - this.wall()) / 1000)),
      deliveryMode: { transportType: 'WebSocket', encryption: false },
    };
  }

  private endSession(s: WsSession): void {
    this.sessions.delete(s.token);
    for (const sub of [...this.subs.values()]) if (sub.session === s) this.subs.delete(sub.id);
    s.socket?.terminate();
  }

  /** Sessions past their recovery window or absolute lifetime end, with their subscriptions. */
  private expire(): void {
    const now = this.wall();
    for (const s of [...this.sessions.values()]) {
      const lapsed = s.droppedAt !== undefined && now - s.droppedAt > this.cfg.recoveryTimeoutSec * 1000;
      if (lapsed || now - s.createdAt >= this.cfg.absoluteTimeoutSec * 1000) this.endSession(s);
    }
  }

  /** One delivery round: everything the account did since the last round, to every matching subscription. */
  deliver(): void {
    this.expire();
    if (this.subs.size === 0) return;
    const t1 = this.core.now();
    const t0 = this.lastT ?? t1;
    if (t1 <= t0) return;
    this.lastT = t1;
    const from = Math.max(t0, t1 - MAX_EVENT_SPAN_MS);
    const subs = [...this.subs.values()];
    const mailboxes = new Set(subs.flatMap((s) => s.filters.flatMap((f) => (f.kind === 'message-store' ? [f.extensionId] : []))));
    const byMailbox = new Map<number, AccountEvent>();
    for (const id of mailboxes) {
      const e = messageStoreEvent(this.core, id, from, t1);
      if (e) byMailbox.set(id, e);
    }
    const calls = subs.some((s) => s.filters.some((f) => f.kind === 'telephony-sessions')) ? telephonyEvents(this.core, from, t1) : [];
    for (const sub of subs) {
      const out: Array<{ f: PushFilter; e: AccountEvent }> = [];
      for (const f of sub.filters) {
        if (f.kind === 'message-store') {
          const e = byMailbox.get(f.extensionId);
          if (e) out.push({ f, e: { at: e.at, body: { ...e.body, ownerId: sub.session.auth.ownerId } } });
        } else for (const e of calls) out.push({ f, e });
      }
      out.sort((x, y) => x.e.at - y.e.at);
      for (const { f, e } of out) if (e.at > sub.since) this.send(sub, f, e);
    }
  }

  private send(sub: Sub, f: PushFilter, e: AccountEvent): void {
    const s = sub.session;
    s.sequence++;
    if (this.loseNext > 0) {
      this.loseNext--;
      this.counters.lost++;
      return; // the sequence number is spent: a gap the client can see
    }
    const notification = { uuid: randomUUID(), event: f.uri, timestamp: iso(e.at), subscriptionId: sub.id, body: e.body };
    const msg = frame({ type: 'ServerNotification', messageId: randomUUID(), status: 200, headers: {}, wsc: { token: s.token, sequence: s.sequence } }, notification);
    if (s.socket && s.socket.readyState === OPEN) {
      s.socket.send(msg);
      this.counters.delivered++;
    } else if (s.buffer.length < this.cfg.recoveryBufferSize) {
      s.buffer.push(msg);
      this.counters.buffered++;
    } else s.overflowed = true;
  }

  // ---- chaos and observation ----

  /** Cuts every gateway connection (as a network failure would); sessions stay recoverable. */
  dropConnections(): number {
    let n = 0;
    for (const s of this.sessions.values()) {
      if (s.socket) {
        s.socket.terminate();
        n++;
      }
    }
    return n;
  }

  /** The next `n` notifications (any subscription) are lost; their sequence numbers are still spent. */
  loseEvents(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError('loseEvents(n) needs a non-negative integer');
    this.loseNext += n;
  }

  /** Ends one subscription (or all) now, as if it had expired; returns how many ended. */
  expireSubscriptions(id?: string): number {
    let n = 0;
    for (const sub of [...this.subs.values()]) {
      if (id === undefined || sub.id === id) {
        this.subs.delete(sub.id);
        n++;
      }
    }
    return n;
  }

  subscriptions(): Array<Record<string, unknown>> {
    return [...this.subs.values()].map((s) => ({ ...this.render(s), connected: !!s.session.socket, sequence: s.session.sequence }));
  }

  stats(): PushStats {
    return {
      subscriptions: this.subs.size,
      connections: [...this.sessions.values()].filter((s) => s.socket).length,
      ...this.counters,
    };
  }
}
