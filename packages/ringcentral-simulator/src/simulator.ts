// Composition root: builds the account, stores, auth, limiter and server from options, and
// exposes the programmatic control surface (clock, events, faults, stats, ground truth).

import type { Account } from './account';
import { AuthService } from './auth';
import { domainOf, seedAccount } from './account-generator';
import { CallLog } from './calls';
import { SimClock, DAY_MS } from './clock';
import { Faults } from './faults';
import type { Core } from './handlers';
import { Lifecycle } from './lifecycle';
import { MessageStore } from './messages';
import { MessageExports } from './message-export';
import { PushGateway } from './push-gateway';
import { PushHub } from './push-hub';
import { RateLimiter, scaleWindows } from './rate-limiter';
import { SimServer } from './server';
import { Stats } from './stats';
import { Truth } from './truth';
import type { SimulatorOptions, TokenTtl } from './types';

export const DEFAULTS = {
  seed: 1,
  extensions: 50,
  days: 30,
  now: '2025-06-02T15:00:00.000Z',
  accountId: '400000000008',
  companyName: 'Sim Industries',
  clientId: 'sim-client-id',
  clientSecret: 'sim-client-secret',
  // Shaped like a JWT; the simulator only compares it verbatim.
  jwt: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI0MDAwMDAwMDAwMDgiLCJpc3MiOiJzaW0ifQ.c2ltdWxhdG9yLXNpZ25hdHVyZQ',
  tokenTtl: { accessSec: 3600, refreshSec: 604_800 } as TokenTtl,
  eventsPerDay: 1,
  messagesPerExtensionPerDay: 2,
  callsPerExtensionPerDay: 3.5,
  callDayCache: 6,
  requestLogLimit: 100_000,
  syncTokenMaxAgeMs: 30 * DAY_MS,
  exportTaskMs: 60_000,
  exportMailboxesPerArchive: 100,
};

export type ResolvedOptions = Required<Pick<SimulatorOptions,
  'seed' | 'extensions' | 'days' | 'accountId' | 'companyName' | 'clientId' | 'clientSecret' | 'jwt' | 'eventsPerDay'
  | 'messagesPerExtensionPerDay' | 'callsPerExtensionPerDay' | 'callDayCache' | 'requestLogLimit' | 'syncTokenMaxAgeMs'
  | 'exportTaskMs' | 'exportMailboxesPerArchive'>> & {
  now: number;
  tokenTtl: TokenTtl;
};

export class SimulatorCore {
  readonly opts: ResolvedOptions;
  readonly clock: SimClock;
  readonly account: Account;
  readonly lifecycle: Lifecycle;
  readonly calls: CallLog;
  readonly messages: MessageStore;
  readonly auth: AuthService;
  readonly limiter: RateLimiter;
  readonly faults: Faults;
  readonly stats: Stats;
  readonly core: Core;
  readonly truth: Truth;
  readonly server: SimServer;
  readonly push: PushHub;

  constructor(o: SimulatorOptions) {
    const now = new Date(o.now ?? DEFAULTS.now).getTime();
    if (!Number.isFinite(now)) throw new RangeError(`invalid options.now: ${String(o.now)}`);
    const opts: ResolvedOptions = {
      seed: o.seed ?? DEFAULTS.seed,
      extensions: Math.max(1, Math.floor(o.extensions ?? DEFAULTS.extensions)),
      days: Math.max(0, o.days ?? DEFAULTS.days),
      accountId: o.accountId ?? DEFAULTS.accountId,
      companyName: o.companyName ?? DEFAULTS.companyName,
      clientId: o.clientId ?? DEFAULTS.clientId,
      clientSecret: o.clientSecret ?? DEFAULTS.clientSecret,
      jwt: o.jwt ?? DEFAULTS.jwt,
      eventsPerDay: o.eventsPerDay ?? DEFAULTS.eventsPerDay,
      messagesPerExtensionPerDay: o.messagesPerExtensionPerDay ?? DEFAULTS.messagesPerExtensionPerDay,
      callsPerExtensionPerDay: o.callsPerExtensionPerDay ?? DEFAULTS.callsPerExtensionPerDay,
      callDayCache: o.callDayCache ?? DEFAULTS.callDayCache,
      requestLogLimit: o.requestLogLimit ?? DEFAULTS.requestLogLimit,
      syncTokenMaxAgeMs: o.syncTokenMaxAgeMs ?? DEFAULTS.syncTokenMaxAgeMs,
      exportTaskMs: o.exportTaskMs ?? DEFAULTS.exportTaskMs,
      exportMailboxesPerArchive: Math.max(1, Math.floor(o.exportMailboxesPerArchive ?? DEFAULTS.exportMailboxesPerArchive)),
      now,
      tokenTtl: { ...DEFAULTS.tokenTtl, ...(o.tokenTtl ?? {}) },
    };
    this.opts = opts;
    const wall = o.wallClock ?? Date.now;
    const historyStart = now - opts.days * DAY_MS;
    this.clock = new SimClock(now, o.clockSpeed ?? 0, wall);
    this.account = seedAccount({
      seed: opts.seed, extensions: opts.extensions, accountId: opts.accountId, companyName: opts.companyName,
      mainNumber: '', historyStart, areaCode: '650',
    });
    this.lifecycle = new Lifecycle(this.account, this.clock, {
      seed: opts.seed, eventsPerDay: opts.eventsPerDay, historyStart, domain: domainOf(opts.companyName),
    });
    this.lifecycle.syncTo(now); // replay the history's random events up to the start
    this.calls = new CallLog(this.account, {
      seed: opts.seed, callsPerExtensionPerDay: opts.callsPerExtensionPerDay, historyStart, cacheDays: opts.callDayCache,
    });
    this.messages = new MessageStore(this.account, { seed: opts.seed, messagesPerExtensionPerDay: opts.messagesPerExtensionPerDay, historyStart });
    const ownerId = this.account.exts[0]!.id;
    this.auth = new AuthService({
      clientId: opts.clientId, clientSecret: opts.clientSecret, jwt: opts.jwt, ownerId: String(ownerId),
      ttl: opts.tokenTtl, wall, maxSessions: o.maxSessions ?? 0,
    });
    this.limiter = new RateLimiter(scaleWindows(o.rateLimits, o.rateWindowScale ?? 1), o.penaltyMs, o.penaltyRestarts ?? true, wall);
    this.faults = new Faults(opts.seed);
    this.stats = new Stats(opts.requestLogLimit);
    const lifecycle = this.lifecycle;
    const clock = this.clock;
    this.core = {
      account: this.account,
      calls: this.calls,
      messages: this.messages,
      ctx: { account: this.account, base: o.publicUrl ?? '', accountId: opts.accountId },
      seed: opts.seed,
      ownerId,
      syncTokenMaxAgeMs: opts.syncTokenMaxAgeMs,
      exports: new MessageExports({ seed: opts.seed, taskMs: opts.exportTaskMs, mailboxesPerArchive: opts.exportMailboxesPerArchive }),
      now(): number {
        const t = clock.now();
        lifecycle.syncTo(t);
        return t;
      },
    };
    this.truth = new Truth(this.core);
    this.server = new SimServer({
      core: this.core, auth: this.auth, limiter: this.limiter, faults: this.faults, stats: this.stats,
      lifecycle: this.lifecycle, accountId: opts.accountId,
    });
    this.push = new PushHub(this.core, wall, o.push);
    this.server.wsToken = (session) => this.push.issueWsToken(session);
    new PushGateway(this.server.server, this.push);
  }
}
