// What each injected fault does to a request. Faults that replace the response return it;
// the rest (slow, and the body manglers handled in the server's send) return undefined.

import type { AuthService, Session } from './auth';
import { notFoundParam, rateExceeded, rcError, serverErrors, tokenErrors } from './errors';
import type { FaultRule } from './faults';
import type { Core } from './handlers';
import { json, rateHeaders, type Out } from './http-out';
import type { Lifecycle } from './lifecycle';
import type { RateLimiter } from './rate-limiter';
import type { RateGroup } from './types';

export interface FaultDeps {
  core: Core;
  auth: AuthService;
  limiter: RateLimiter;
  lifecycle: Lifecycle;
}

export interface FaultContext {
  key: string;
  group: RateGroup;
  rh: Record<string, string>;
  session: Session | undefined;
  extensionId: string | undefined;
  permission: string | undefined;
  sleep: (ms: number) => Promise<void>;
}

export async function applyFault(deps: FaultDeps, fault: FaultRule, c: FaultContext): Promise<Out | undefined> {
  const { limiter, auth, core, lifecycle } = deps;
  const { key, group, rh, session, extensionId } = c;
  switch (fault.kind) {
    case '429-burst': {
      const d = limiter.forcePenalty(key, group, fault.retryAfterSec !== undefined ? fault.retryAfterSec * 1000 : undefined);
      return json(429, rateExceeded(), { ...rateHeaders(d), 'Retry-After': String(d.retryAfterSec) }, { fault });
    }
    case '503':
      return json(503, serverErrors.unavailable(), { ...rh, 'Retry-After': String(fault.retryAfterSec ?? 1) }, { fault });
    case '500':
      return json(500, serverErrors.internal(), rh, { fault });
    case '403': {
      const perm = c.permission ?? 'ReadAccounts';
      return json(403, rcError('CMN-401', `In order to call this API endpoint, application needs to have [${perm}] permission`), rh, { fault });
    }
    case 'revoke-token': {
      const code = fault.code ?? 'OAU-129';
      auth.revoke(session!.accessToken, { code });
      const e = code === 'OAU-128' ? tokenErrors.expired() : tokenErrors.corrupted();
      return json(401, e.body, rh, { fault });
    }
    case '404-extension': {
      // The extension disappears for real (between list and fetch), so later calls agree.
      const now = core.now();
      const id = extensionId === '~' ? core.ownerId : Number(extensionId);
      const e = core.account.get(id);
      if (e && id !== core.ownerId && core.account.attrsAt(e, now)) lifecycle.delete(id);
      return json(404, notFoundParam('extensionId', extensionId).body, rh, { fault });
    }
    case '404':
      // A 404 for an extension that still exists (RingCentral answers so for some mailboxes).
      return json(404, notFoundParam('extensionId', extensionId).body, rh, { fault });
    case 'slow':
      await c.sleep(fault.delayMs ?? 30_000);
      return undefined;
    default:
      return undefined; // reset / truncated / invalid-json mangle the real response in send()
  }
}
