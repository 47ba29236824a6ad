// startSimulator(): builds a simulator, listens, and wraps it in the public control surface.

import type { AddressInfo } from 'node:net';
import type { SimClockApi } from './clock';
import type { FaultRule } from './faults';
import type { LifecycleEvent } from './lifecycle';
import { SimulatorCore, type ResolvedOptions } from './simulator';
import type { RequestLogEntry, StatsSnapshot } from './stats';
import type { Truth } from './truth';
import type { ExtAttrs, RateGroup, RateLimitConfig, SimulatorOptions } from './types';


export interface Simulator {
  readonly url: string;
  readonly port: number;
  readonly accountId: string;
  /** The JWT user (owner_id of issued tokens). */
  readonly ownerId: number;
  readonly credentials: { clientId: string; clientSecret: string; jwt: string };
  readonly options: ResolvedOptions;
  readonly clock: SimClockApi;
  readonly events: {
    hire(attrs?: Partial<ExtAttrs>): number;
    update(id: number, patch: Partial<ExtAttrs>): void;
    disable(id: number): void;
    delete(id: number): void;
    reassignNumber(fromDeletedId: number): number;
    recycleScenario(opts?: { extensionId?: number; stepMs?: number }): { oldId: number; newId: number; number: string };
    log(): readonly LifecycleEvent[];
  };
  readonly faults: {
    add(rule: FaultRule): number;
    remove(id: number): void;
    clear(): void;
    list(): Array<FaultRule & { id: number; seen: number; fired: number }>;
  };
  readonly auth: {
    revoke(accessToken: string, opts?: { code?: 'OAU-129' | 'OAU-128'; refreshToo?: boolean }): boolean;
    revokeAll(): void;
    expireAccessTokens(accessToken?: string): void;
    tokensIssued(): number;
  };
  readonly rateLimits: {
    limits: Record<RateGroup, RateLimitConfig>;
    /** Remaining penalty (wall ms) for the configured client + owner in a group. */
    penaltyRemainingMs(group: RateGroup, clientId?: string): number;
    reset(): void;
  };
  readonly truth: Truth;
  stats(): StatsSnapshot;
  requestLog(): readonly RequestLogEntry[];
  resetStats(): void;
  /** Laziness probes: how much has been generated / is cached. */
  generation(): { callDaysGenerated: number; callDayCacheSize: number; messageDaysGenerated: number; extensions: number };
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const s = new SimulatorCore(options);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    s.server.server.once('error', reject);
    s.server.server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (s.server.server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;
  if (!options.publicUrl) s.core.ctx.base = url;
  const { clientId, clientSecret, jwt, accountId } = s.opts;
  return {
    url,
    port,
    accountId,
    ownerId: s.core.ownerId,
    credentials: { clientId, clientSecret, jwt },
    options: s.opts,
    clock: s.clock,
    events: {
      hire: (a) => s.lifecycle.hire(a),
      update: (id, p) => s.lifecycle.update(id, p),
      disable: (id) => s.lifecycle.disable(id),
      delete: (id) => s.lifecycle.delete(id),
      reassignNumber: (id) => s.lifecycle.reassignNumber(id),
      recycleScenario: (o) => s.lifecycle.recycleScenario(o),
      log: () => s.lifecycle.log,
    },
    faults: {
      add: (r) => s.faults.add(r),
      remove: (id) => s.faults.remove(id),
      clear: () => s.faults.clear(),
      list: () => s.faults.list(),
    },
    auth: {
      revoke: (t, o) => s.auth.revoke(t, o),
      revokeAll: () => s.auth.revokeAll(),
      expireAccessTokens: (t) => s.auth.expireAccessTokens(t),
      tokensIssued: () => s.auth.tokensIssued,
    },
    rateLimits: {
      limits: s.limiter.limits,
      penaltyRemainingMs: (g, c) => s.limiter.penaltyRemainingMs(`${c ?? clientId}:${s.core.ownerId}`, g),
      reset: () => s.limiter.reset(),
    },
    truth: s.truth,
    stats: () => s.stats.snapshot(s.limiter.totalPenaltyMs(), { ...s.faults.firedByKind }),
    requestLog: () => s.stats.entries(),
    resetStats: () => s.stats.reset(),
    generation: () => ({
      callDaysGenerated: s.calls.daysGenerated,
      callDayCacheSize: s.calls.cacheSize,
      messageDaysGenerated: s.messages.daysGenerated,
      extensions: s.account.exts.length,
    }),
    close: () => s.server.close(),
  };
}
