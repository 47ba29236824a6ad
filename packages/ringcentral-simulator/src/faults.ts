// Scripted failures. Rules are checked in insertion order after auth and rate limiting; the
// first that matches and is due fires. Probabilistic rules draw from PRNG(seed, rule id), so a
// given request sequence always meets the same faults.

import { Rng } from './prng';
import type { RateGroup } from './types';

export const FAULT_KINDS = [
  '429-burst', '503', '500', '403', 'reset', 'slow', 'truncated', 'invalid-json', 'revoke-token', '404-extension', '404',
  'export-fails',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultMatch {
  group?: RateGroup;
  /** Tested against path + query string; a string matches as a substring. */
  path?: RegExp | string;
  method?: string;
}

export interface FaultRule {
  match?: FaultMatch;
  kind: FaultKind;
  /** How many times it fires. Default 1, or unlimited when `probability` is given. */
  times?: number;
  /** Chance to fire per matching request. Default 1. */
  probability?: number;
  /** Let the first k matching requests through untouched. */
  afterRequests?: number;
  /** 'slow': delay before answering (default 30 s). */
  delayMs?: number;
  /** '429-burst' / '503': Retry-After seconds. For 429 it is also the penalty length (default: the group's penalty). */
  retryAfterSec?: number;
  /** 'revoke-token': OAU-129 (revoked, default) or OAU-128 (reported as expired). */
  code?: 'OAU-129' | 'OAU-128';
}

export interface FaultRequest {
  group: RateGroup;
  pathAndQuery: string;
  method: string;
  hasBearer: boolean;
  extensionId?: string;
}

interface ActiveRule {
  id: number;
  rule: FaultRule;
  seen: number;
  fired: number;
  rng: Rng;
}

export class Faults {
  private rules: ActiveRule[] = [];
  private nextId = 1;
  readonly firedByKind: Partial<Record<FaultKind, number>> = {};

  constructor(private readonly seed: number) {}

  add(rule: FaultRule): number {
    const id = this.nextId++;
    this.rules.push({ id, rule, seen: 0, fired: 0, rng: Rng.of(this.seed, 'fault', id) });
    return id;
  }

  remove(id: number): void {
    this.rules = this.rules.filter((r) => r.id !== id);
  }

  clear(): void {
    this.rules = [];
  }

  list(): Array<FaultRule & { id: number; seen: number; fired: number }> {
    return this.rules.map((r) => ({ ...r.rule, id: r.id, seen: r.seen, fired: r.fired }));
  }

  private applicable(kind: FaultKind, req: FaultRequest): boolean {
    if (kind === 'revoke-token') return req.hasBearer;
    if (kind === '404-extension' || kind === '404') return req.extensionId !== undefined;
    // Lets the request through; the export task it creates ends Failed instead of Completed.
    if (kind === 'export-fails') return req.method === 'POST' && /\/message-store-report\/?(\?|$)/.test(req.pathAndQuery);
    return true;
  }

  private matches(m: FaultMatch | undefined, req: FaultRequest): boolean {
    if (!m) return true;
    if (m.group && m.group !== req.group) return false;
    if (m.method && m.method.toUpperCase() !== req.method) return false;
    if (m.path instanceof RegExp) {
      m.path.lastIndex = 0;
      if (!m.path.test(req.pathAndQuery)) return false;
    } else if (typeof m.path === 'string' && !req.pathAndQuery.includes(m.path)) return false;
    return true;
  }

  /** Decide (and account for) the fault for this request, if any. */
  pick(req: FaultRequest): FaultRule | undefined {
    for (const r of this.rules) {
      if (!this.matches(r.rule.match, req) || !this.applicable(r.rule.kind, req)) continue;
      r.seen++;
      if (r.seen <= (r.rule.afterRequests ?? 0)) continue;
      const times = r.rule.times ?? (r.rule.probability !== undefined ? Infinity : 1);
      if (r.fired >= times) continue;
      if (r.rule.probability !== undefined && !(r.rng.next() < r.rule.probability)) continue;
      r.fired++;
      this.firedByKind[r.rule.kind] = (this.firedByKind[r.rule.kind] ?? 0) + 1;
      return r.rule;
    }
    return undefined;
  }
}
