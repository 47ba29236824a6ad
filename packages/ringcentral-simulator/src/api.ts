// The programmatic control surface startSimulator() returns (types only; the HTTP control
// surface in control.ts drives the same object).

import type { SimClockApi } from './clock';
import type { FaultRule } from './faults';
import type { PushStats } from './push-config';
import type { ResolvedOptions } from './simulator';
import type { RequestLogEntry, StatsSnapshot } from './stats';
import type { Truth } from './truth';
import type { ExtAttrs, LifecycleEvent, RateGroup, RateLimitConfig } from './types';

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
  /** Push notifications (subscriptions over the WebSocket gateway) and their chaos. */
  readonly push: {
    /** Live subscriptions as the API renders them, plus `connected` and the session's `sequence`. */
    subscriptions(): Array<Record<string, unknown>>;
    stats(): PushStats;
    /** Cuts every gateway connection; the sessions stay recoverable for recoveryTimeoutSec. */
    dropConnections(): number;
    /** The next n notifications are lost (sequence numbers spent: a visible gap). */
    loseEvents(n: number): void;
    /** Ends one subscription (or all) now; returns how many. */
    expireSubscriptions(id?: string): number;
    /** Runs a delivery round now instead of waiting for the poll. */
    deliverNow(): void;
  };
  stats(): StatsSnapshot;
  requestLog(): readonly RequestLogEntry[];
  resetStats(): void;
  /** Laziness probes: how much has been generated / is cached. */
  generation(): { callDaysGenerated: number; callDayCacheSize: number; messageDaysGenerated: number; extensions: number };
  close(): Promise<void>;
}
