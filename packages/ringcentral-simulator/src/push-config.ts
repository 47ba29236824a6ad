// Settings of the push-notification side (WebSocket gateway + subscriptions). The gateway's
// numbers are the ones it announces in ConnectionDetails; RingCentral does not publish its own
// values in the v1.0.46 spec, so these are the simulator's choices (all overridable).

export interface PushConfig {
  /** Lifetime of a /restapi/oauth/wstoken token (the official client renews at 80 % of it). */
  wsTokenTtlSec: number;
  /** A dropped session can be resumed (events buffered meanwhile) for this long. */
  recoveryTimeoutSec: number;
  /** Events buffered for a dropped session; one more and recovery fails. */
  recoveryBufferSize: number;
  /** Announced only (not enforced). */
  idleTimeoutSec: number;
  /** A session, and the subscriptions it carries, ends this long after it started. */
  absoluteTimeoutSec: number;
  /** Event filters one subscription may hold; more → 400 CMN-101. */
  maxFiltersPerSubscription: number;
  /** How often (wall ms) the gateway looks at the simulated clock for new events. */
  pollMs: number;
}

export const PUSH_DEFAULTS: PushConfig = {
  wsTokenTtlSec: 600,
  recoveryTimeoutSec: 180,
  recoveryBufferSize: 100,
  idleTimeoutSec: 900,
  absoluteTimeoutSec: 86_400,
  maxFiltersPerSubscription: 1000,
  pollMs: 500,
};

/** Counters of the push side (sim.push.stats(), GET /_sim/push). */
export interface PushStats {
  subscriptions: number;
  /** Gateway sessions with a live socket. */
  connections: number;
  /** Notifications written to a live socket. */
  delivered: number;
  /** Notifications kept for a dropped session (replayed on recovery, or lost with it). */
  buffered: number;
  replayed: number;
  /** Notifications dropped by loseEvents(). */
  lost: number;
}
