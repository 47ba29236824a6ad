// OAuth: JWT-bearer and refresh grants, bearer validation, revocation. Token lifetimes run on
// WALL time (the SDK computes expiry from Date.now()), not on the simulated clock.

import { randomBytes } from 'node:crypto';
import { ApiError, oauthError, tokenErrors } from './errors';
import type { TokenTtl } from './types';

export const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const TOKEN_RE = /^SIM[A-Za-z0-9_-]{32}$/;

export interface Session {
  accessToken: string;
  refreshToken: string;
  clientId: string;
  ownerId: string;
  endpointId: string;
  accessExpiresAt: number;
  refreshExpiresAt: number;
  /** Why the access token stopped working, if it did. */
  revoked?: 'OAU-129' | 'OAU-128';
  refreshUsed: boolean;
}

export interface AuthConfig {
  clientId: string;
  clientSecret: string;
  jwt: string;
  ownerId: string;
  ttl: TokenTtl;
  wall: () => number;
  /** Live sessions per user before the oldest is dropped (RC: about five). 0 = unlimited. */
  maxSessions: number;
}

const newToken = (): string => `SIM${randomBytes(24).toString('base64url')}`;

export function basicClientId(header: string | undefined): { id?: string; secret?: string } {
  const m = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!m) return {};
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? { id: decoded } : { id: decoded.slice(0, i), secret: decoded.slice(i + 1) };
}

export class AuthService {
  private readonly byAccess = new Map<string, Session>();
  private readonly byRefresh = new Map<string, Session>();
  private readonly live: Session[] = [];
  tokensIssued = 0;

  constructor(private readonly cfg: AuthConfig) {}

  private checkClient(header: string | undefined): string {
    const { id, secret } = basicClientId(header);
    if (id !== this.cfg.clientId || secret !== this.cfg.clientSecret) {
      throw new ApiError(401, oauthError('invalid_client', `Invalid client: ${id ?? ''}`, 'OAU-153'));
    }
    return id;
  }

  /** POST /restapi/oauth/token */
  token(authorization: string | undefined, form: URLSearchParams): Record<string, unknown> {
    const clientId = this.checkClient(authorization);
    const grant = form.get('grant_type');
    const now = this.cfg.wall();
    if (grant === JWT_GRANT) {
      const assertion = form.get('assertion');
      if (!assertion) throw new ApiError(400, oauthError('invalid_request', 'Parameter [assertion] is missing', 'OAU-101'));
      if (assertion !== this.cfg.jwt) {
        throw new ApiError(400, oauthError('invalid_grant', 'Invalid resource owner credentials', 'OAU-140'));
      }
      return this.issue(clientId, now);
    }
    if (grant === 'refresh_token') {
      const s = this.byRefresh.get(form.get('refresh_token') ?? '');
      if (!s || s.refreshUsed || s.clientId !== clientId) {
        throw new ApiError(400, oauthError('invalid_grant', 'Token is revoked', 'OAU-211'));
      }
      if (s.refreshExpiresAt <= now) throw new ApiError(400, oauthError('invalid_grant', 'Token is expired', 'OAU-211'));
      s.refreshUsed = true; // refresh tokens are single use
      return this.issue(clientId, now);
    }
    throw new ApiError(400, oauthError('unsupported_grant_type', `Unsupported grant type: ${grant ?? ''}`, 'OAU-101'));
  }

  private issue(clientId: string, now: number): Record<string, unknown> {
    const { accessSec, refreshSec } = this.cfg.ttl;
    const s: Session = {
      accessToken: newToken(),
      refreshToken: newToken(),
      clientId,
      ownerId: this.cfg.ownerId,
      endpointId: randomBytes(16).toString('base64url'),
      accessExpiresAt: now + Math.round(accessSec * 1000),
      refreshExpiresAt: now + Math.round(refreshSec * 1000),
      refreshUsed: false,
    };
    this.byAccess.set(s.accessToken, s);
    this.byRefresh.set(s.refreshToken, s);
    this.live.push(s);
    if (this.cfg.maxSessions > 0 && this.live.length > this.cfg.maxSessions) {
      const old = this.live.shift()!;
      old.revoked = 'OAU-129';
      old.refreshUsed = true;
    }
    this.tokensIssued++;
    return {
      access_token: s.accessToken,
      token_type: 'bearer',
      expires_in: Math.max(1, Math.round(accessSec)),
      refresh_token: s.refreshToken,
      refresh_token_expires_in: Math.max(1, Math.round(refreshSec)),
      scope: 'ReadAccounts ReadCallLog ReadCallRecording ReadMessages ReadPresence',
      owner_id: s.ownerId,
      endpoint_id: s.endpointId,
    };
  }

  /** POST /restapi/oauth/revoke: either token of a pair ends the whole session. */
  revokeEndpoint(authorization: string | undefined, form: URLSearchParams): void {
    if (authorization) this.checkClient(authorization);
    const t = form.get('token') ?? '';
    const s = this.byAccess.get(t) ?? this.byRefresh.get(t);
    if (s) this.endSession(s, 'OAU-129');
  }

  /** Validates `Authorization: Bearer`; throws the RC 401 otherwise. */
  authenticate(authorization: string | undefined): Session {
    if (!authorization) throw tokenErrors.invalid();
    const m = /^(\S+)\s+(.*)$/.exec(authorization.trim());
    if (!m || m[1]!.toLowerCase() !== 'bearer') throw tokenErrors.method();
    const token = m[2]!.trim();
    if (!TOKEN_RE.test(token)) throw tokenErrors.invalid();
    const s = this.byAccess.get(token);
    if (!s) throw tokenErrors.corrupted();
    if (s.revoked === 'OAU-128') throw tokenErrors.expired();
    if (s.revoked) throw tokenErrors.corrupted();
    if (s.accessExpiresAt <= this.cfg.wall()) throw tokenErrors.expired();
    return s;
  }

  private endSession(s: Session, code: 'OAU-129' | 'OAU-128'): void {
    s.revoked = code;
    s.refreshUsed = true;
    const i = this.live.indexOf(s);
    if (i >= 0) this.live.splice(i, 1);
  }

  /** Access token stops working (OAU-129, or OAU-128 to mimic expiry); refresh stays usable unless asked. */
  revoke(accessToken: string, opts: { code?: 'OAU-129' | 'OAU-128'; refreshToo?: boolean } = {}): boolean {
    const s = this.byAccess.get(accessToken);
    if (!s) return false;
    if (opts.refreshToo) this.endSession(s, opts.code ?? 'OAU-129');
    else s.revoked = opts.code ?? 'OAU-129';
    return true;
  }

  revokeAll(): void {
    for (const s of [...this.live]) this.endSession(s, 'OAU-129');
  }

  /** Make access tokens expire now (refresh tokens unaffected) — saves waiting in tests. */
  expireAccessTokens(accessToken?: string): void {
    const now = this.cfg.wall();
    for (const s of this.byAccess.values()) {
      if (!accessToken || s.accessToken === accessToken) s.accessExpiresAt = Math.min(s.accessExpiresAt, now);
    }
  }

  sessions(): readonly Session[] {
    return this.live;
  }
}
