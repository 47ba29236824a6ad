// Shared types of the simulator. Kept apart so modules can depend on them without cycles.

import type { PushConfig } from './push-config';

export type RateGroup = 'Light' | 'Medium' | 'Heavy' | 'Auth';
export const RATE_GROUPS: readonly RateGroup[] = ['Light', 'Medium', 'Heavy', 'Auth'];
/** A route's x-throttling-group: a rate-limited group, or NoThrottling (no window, no X-Rate-Limit-* headers). */
export type ThrottlingGroup = RateGroup | 'NoThrottling';
export const THROTTLING_GROUPS: readonly ThrottlingGroup[] = [...RATE_GROUPS, 'NoThrottling'];

export type ExtStatus = 'Enabled' | 'Disabled' | 'Frozen' | 'NotActivated' | 'Unassigned';
export type ExtType =
  | 'User' | 'Department' | 'Announcement' | 'Voicemail' | 'DigitalUser' | 'VirtualUser' | 'FaxUser'
  | 'PagingOnly' | 'SharedLinesGroup' | 'IvrMenu' | 'ApplicationExtension' | 'ParkLocation' | 'Limited'
  | 'Site' | 'Room' | 'Bot' | 'FlexibleUser';

/** Attributes of one version of an extension (the SCD2 payload). */
export interface ExtAttrs {
  extensionNumber?: string;
  name: string;
  firstName: string;
  lastName?: string;
  email?: string;
  jobTitle?: string;
  department?: string;
  /** Direct (DID) number in E.164; follows the extension number when it is reassigned. */
  businessPhone?: string;
  status: ExtStatus;
  type: ExtType;
  subType?: string;
  hidden: boolean;
  admin: boolean;
  intlCalling: boolean;
  siteId: string;
  costCenterId?: string;
}

export interface ExtVersion {
  validFrom: number;
  /** Exclusive; Infinity while current. Equals deletedAt for the last version of a deleted extension. */
  validTo: number;
  attrs: ExtAttrs;
}

export interface ExtEntity {
  /** Position in creation order; used in compact generated ids. */
  idx: number;
  id: number;
  creationTime: number;
  /** When it started existing for the simulation (creationTime, or history start for seeded ones). */
  existsFrom: number;
  versions: ExtVersion[];
  deletedAt?: number;
}

export interface Site {
  id: string;
  name: string;
  code: string;
}

export interface CostCenter {
  id: string;
  code: string;
  name: string;
}

export interface RateLimitConfig {
  limit: number;
  windowMs: number;
}

export interface TokenTtl {
  /** Access-token lifetime, seconds (fractional allowed for tests). */
  accessSec: number;
  refreshSec: number;
}

export interface SimulatorOptions {
  port?: number;
  host?: string;
  seed?: number;
  /** Extensions generated at history start (the owner/admin user included). */
  extensions?: number;
  /** Days of history before `now` that hold calls and messages. */
  days?: number;
  /** Simulated start time. Default 2025-06-02T15:00:00Z. */
  now?: Date | number | string;
  /** 0 (default) freezes simulated time; 1 follows wall time; n runs n× faster. */
  clockSpeed?: number;
  accountId?: string;
  companyName?: string;
  clientId?: string;
  clientSecret?: string;
  jwt?: string;
  tokenTtl?: Partial<TokenTtl>;
  rateLimits?: Partial<Record<RateGroup, Partial<RateLimitConfig>>>;
  /**
   * Multiplies every group's rate window (and so the default penalty), e.g. 0.1 turns 60 s into
   * 6 s so throttling scenarios run fast. X-Rate-Limit-Window reports the scaled window. Default 1.
   */
  rateWindowScale?: number;
  /** Simulated ms a message-store export task takes from Accepted to Completed. Default 60 000. */
  exportTaskMs?: number;
  /** Mailboxes per export ZIP archive (more mailboxes → more archives). Default 100. */
  exportMailboxesPerArchive?: number;
  /** Penalty after a 429; default = the group's window. Restarts on every request during it. */
  penaltyMs?: number;
  /** Set false to let the penalty run out even when probed (non-RC; for experiments). */
  penaltyRestarts?: boolean;
  /** Mean random lifecycle events per simulated day (history included). 0 disables. Default 1. */
  eventsPerDay?: number;
  messagesPerExtensionPerDay?: number;
  callsPerExtensionPerDay?: number;
  /** Base URL written into uri/navigation fields. Default: the server's own URL. */
  publicUrl?: string;
  /** How many generated call days to keep (LRU). */
  callDayCache?: number;
  /** Request log ring-buffer size. */
  requestLogLimit?: number;
  /** Max age of a message-sync token before MSG-333. Default 30 days (simulated). */
  syncTokenMaxAgeMs?: number;
  /** Live sessions per user before the oldest is revoked (RC: about five). Default 0 = unlimited. */
  maxSessions?: number;
  /** Wall clock used by rate limits and tokens (tests may inject). */
  wallClock?: () => number;
  /** Serve the control surface as JSON under /_sim/ (loopback clients only). Default false. */
  control?: boolean;
  /** Push notifications: gateway timeouts, filter limit, poll interval (see push-config.ts). */
  push?: Partial<PushConfig>;
}

// Lifecycle events live here, not in lifecycle.ts, so random-events.ts (which lifecycle.ts uses)
// can name them without an import circle.
export type LifecycleKind =
  | 'hire' | 'rename' | 'department' | 'site' | 'jobTitle' | 'numberChange' | 'statusChange'
  | 'update' | 'disable' | 'delete' | 'reassign';

export interface LifecycleEvent {
  at: number;
  kind: LifecycleKind;
  extensionId: number;
  /** For reassign: the deleted extension whose number moved. */
  fromId?: number;
  number?: string;
  random: boolean;
}
