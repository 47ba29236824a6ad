// HTTP front: routing, then the same pipeline RingCentral applies — authenticate, throttle,
// (injected fault), handle — with X-Rate-Limit-* headers on every throttled route's response.

import http from 'node:http';
import type { AuthService, Session } from './auth';
import { basicClientId } from './auth';
import { ApiError, invalidUri, methodNotAllowed, notFoundParam, rateExceeded, serverErrors } from './errors';
import { CONTROL_PREFIX } from './control-prefix';
import { applyFault } from './fault-responses';
import { json, rateHeaders, type Out } from './http-out';
import type { Faults } from './faults';
import type { Core } from './handlers';
import type { Lifecycle } from './lifecycle';
import type { RateLimiter } from './rate-limiter';
import { matchRoute } from './routes';
import type { Stats } from './stats';

export interface ServerDeps {
  core: Core;
  auth: AuthService;
  limiter: RateLimiter;
  faults: Faults;
  stats: Stats;
  lifecycle: Lifecycle;
  accountId: string;
}

const MAX_BODY = 1 << 20;

export function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new ApiError(400, { errorCode: 'CMN-104', message: 'Cannot parse request', errors: [] }));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export class SimServer {
  readonly server: http.Server;
  /** Answers /_sim/ requests when the control surface is on (wired by startSimulator). */
  control?: (req: http.IncomingMessage, url: URL, method: string) => Promise<Out>;
  /** Answers POST /restapi/oauth/wstoken for an authenticated session (wired by the push hub). */
  wsToken?: (session: Session) => Record<string, unknown>;
  private readonly timers = new Set<NodeJS.Timeout>();
  private requestSeq = 0;

  constructor(private readonly deps: ServerDeps) {
    this.server = http.createServer((req, res) => void this.onRequest(req, res));
    this.server.keepAliveTimeout = 65_000;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://sim.local');
    const method = (req.method ?? 'GET').toUpperCase();
    // Control requests are not API traffic: no auth, no throttling, not counted in stats.
    if (this.control && url.pathname.startsWith(CONTROL_PREFIX)) return this.send(res, await this.control(req, url, method));
    const log = { clientId: undefined as string | undefined, ownerId: undefined as string | undefined, token: undefined as string | undefined };
    const match = matchRoute(url.pathname);
    let out: Out;
    try {
      out = await this.process(req, url, method, log);
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(500, serverErrors.internal());
      out = { status: e.status, headers: { ...e.headers }, body: JSON.stringify(e.body) };
      if (!(err instanceof ApiError)) console.error('[simulator] handler error', err);
    }
    // 'finish' precedes the client seeing the end of the body, so logs are never behind a client;
    // 'close' covers sockets cut by the reset fault.
    let logged = false;
    const record = (): void => {
      if (logged) return;
      logged = true;
      this.deps.stats.record({
        time: Date.now(), method, path: `${url.pathname}${url.search}`, route: match?.route.name ?? null, group: match?.route.group ?? null,
        status: out.status, ...log, fault: out.fault?.kind, throttled: out.throttled, durationMs: Date.now() - started,
      });
    };
    res.once('finish', record);
    res.once('close', record);
    this.send(res, out);
  }

  private send(res: http.ServerResponse, out: Out): void {
    const headers: Record<string, string> = {
      'Content-Type': 'application/json; charset=utf-8',
      RCRequestId: `sim-${++this.requestSeq}`,
      // The server's clock is the simulated one: clients that take "now" from the Date
      // header (as the sync does, to be immune to its own clock skew) see simulated time.
      Date: new Date(this.deps.core.now()).toUTCString(),
      ...out.headers,
    };
    const kind = out.fault?.kind;
    const body = typeof out.body === 'string' ? Buffer.from(out.body, 'utf8') : out.body;
    if (kind === 'reset') {
      // Headers and part of the body go out, then the connection dies mid-body.
      res.writeHead(out.status, { ...headers, 'Content-Length': String(body.length) });
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
      return;
    }
    if (kind === 'truncated') {
      // A complete HTTP exchange (200, chunked) whose JSON stops halfway.
      res.writeHead(out.status, headers);
      res.end(body.subarray(0, Math.floor(body.length / 2)));
      return;
    }
    const payload = kind === 'invalid-json' ? Buffer.from(`<html><body>502 Bad Gateway</body></html>${body.subarray(0, 40).toString('utf8')}`) : body;
    res.writeHead(out.status, { ...headers, 'Content-Length': String(payload.length) });
    res.end(payload);
  }

  private async process(
    req: http.IncomingMessage, url: URL, method: string,
    log: { clientId?: string; ownerId?: string; token?: string },
  ): Promise<Out> {
    const { core, auth, limiter, faults } = this.deps;
    const match = matchRoute(url.pathname);
    const anonKey = 'anonymous';
    if (!match) return json(404, invalidUri().body, rateHeaders(limiter.peek(anonKey, 'Light')));
    const { route } = match;
    if (method !== route.method) {
      const e = methodNotAllowed(method, [route.method]);
      return json(405, e.body, { ...e.headers, ...(route.kind === 'public' ? {} : rateHeaders(limiter.peek(anonKey, route.group))) });
    }
    // NoThrottling, no auth (GET /restapi): whatever Authorization comes is ignored, no window is
    // touched, no X-Rate-Limit-* headers, and faults do not fire (they model the throttled API).
    if (route.kind === 'public') return json(200, route.handler(core, { q: url.searchParams, rawQuery: url.search.slice(1), params: match.params }), {});

    let session: Session | undefined;
    let key: string;
    if (route.kind === 'api' || route.kind === 'wstoken') {
      try {
        session = auth.authenticate(req.headers.authorization);
      } catch (err) {
        if (err instanceof ApiError) return json(err.status, err.body, rateHeaders(limiter.peek(anonKey, route.group)));
        throw err;
      }
      log.clientId = session.clientId;
      log.ownerId = session.ownerId;
      log.token = session.accessToken.slice(0, 10);
      key = `${session.clientId}:${session.ownerId}`;
    } else {
      log.clientId = basicClientId(req.headers.authorization).id;
      key = `${log.clientId ?? anonKey}:${core.ownerId}`;
    }

    const decision = limiter.hit(key, route.group);
    const rh = rateHeaders(decision);
    if (!decision.allowed) {
      return json(429, rateExceeded(), { ...rh, 'Retry-After': String(decision.retryAfterSec) }, { throttled: true });
    }

    const fault = faults.pick({
      group: route.group, pathAndQuery: `${url.pathname}${url.search}`, method,
      hasBearer: !!session, extensionId: match.extensionId,
    });
    if (fault) {
      const early = await applyFault(this.deps, fault, { key, group: route.group, rh, session, extensionId: match.extensionId, permission: route.permission, sleep: (ms) => this.sleep(ms) });
      if (early) return early;
    }

    let out: Out;
    if (route.kind === 'wstoken') {
      if (!this.wsToken) return json(404, invalidUri().body, rh);
      out = json(200, this.wsToken(session!), rh);
    } else if (route.kind === 'token' || route.kind === 'revoke') {
      const form = new URLSearchParams(await readBody(req));
      try {
        if (route.kind === 'token') out = json(200, auth.token(req.headers.authorization, form), rh);
        else {
          auth.revokeEndpoint(req.headers.authorization, form);
          out = { status: 200, headers: rh, body: '' };
        }
      } catch (err) {
        if (err instanceof ApiError) return json(err.status, err.body, rh);
        throw err;
      }
    } else {
      if (match.accountId !== '~' && match.accountId !== this.deps.accountId) {
        return json(404, notFoundParam('accountId', match.accountId).body, rh);
      }
      try {
        const text = method === 'POST' ? await readBody(req) : undefined;
        const body = route.handler!(core, {
          q: url.searchParams, rawQuery: url.search.slice(1), extensionId: match.extensionId, params: match.params, text, fault: fault?.kind,
        });
        out = Buffer.isBuffer(body.data)
          ? { status: route.status ?? 200, headers: { ...rh, 'Content-Type': String(body.contentType) }, body: body.data }
          : json(route.status ?? 200, body, rh);
      } catch (err) {
        if (err instanceof ApiError) return json(err.status, err.body, { ...rh, ...err.headers });
        throw err;
      }
    }
    if (fault) out.fault = fault;
    return out;
  }
}
