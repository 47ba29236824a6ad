// Lazy, deterministic company call log.
//
// The calls of simulated day d are a pure function of (seed, d, extension timeline): each
// extension draws its own calls for the day from PRNG(seed, extensionId, d), with a FIXED number
// of draws per call, so a later change to the timeline can only affect calls that start after
// it (never ones already visible). Only the days a request touches are generated; they are kept
// in a small LRU together with per-day match counts for days whose content can no longer change.

import type { Account } from './account';
import { MAX_CALL_SECONDS, OUTCOMES, durationFor, pickOutcome, type CallScenario } from './call-outcomes';
import { DAY_MS, dayOf } from './clock';
import { Lru } from './lru';
import { Rng } from './prng';
import type { ExtAttrs } from './types';

/** One company call-log record in compact form; rendered to JSON only when served. */
export interface CallEntry {
  start: number;
  /** seconds */
  dur: number;
  day: number;
  /** Unique within the day; descending tie-break for equal start times. */
  key: number;
  /** Index of the extension owning this record; `peer` is the other internal party or -1. */
  owner: number;
  peer: number;
  leg: 0 | 1;
  fax: boolean;
  outbound: boolean;
  outcome: number;
  /** Seed for presentation details (external number, recording type, ...). */
  seed: number;
  lmt0: number;
  /** 0 = never. */
  recAt: number;
  delAt: number;
  visibleAt: number;
}

export interface CallFilter {
  types?: ReadonlySet<'Voice' | 'Fax'>;
  directions?: ReadonlySet<'Inbound' | 'Outbound'>;
  showDeleted: boolean;
  /** withRecording / recordingType: only records whose recording has arrived (of that type). */
  recording?: 'Automatic' | 'OnDemand' | 'All';
  /** call-log-sync statusGroup=Missed: only records whose result is Missed. */
  missedOnly?: boolean;
}

/** Presentation detail derived from the entry seed; filters need it too. */
export const recordingTypeOf = (e: CallEntry): 'Automatic' | 'OnDemand' => (e.seed % 5 === 0 ? 'OnDemand' : 'Automatic');

export interface CallConfig {
  seed: number;
  callsPerExtensionPerDay: number;
  historyStart: number;
  cacheDays: number;
}

const VISIBLE_AFTER_MS = 30_000;
const RECORDING_DELAY_MS: [number, number] = [240_000, 420_000];
const DELETE_DELAY_MS: [number, number] = [3_000_000, 4_200_000];
/** After this, nothing about a day's calls can change any more (so its counts may be cached). */
export const SETTLE_MS = MAX_CALL_SECONDS * 1000 + VISIBLE_AFTER_MS + DELETE_DELAY_MS[1] + 1000;

const deleteDelay = (x: number): number => DELETE_DELAY_MS[0] + Math.floor(x * (DELETE_DELAY_MS[1] - DELETE_DELAY_MS[0]));

const ORIGINATORS = new Set(['User', 'DigitalUser', 'VirtualUser', 'FaxUser', 'Department']);
const callable = (a: ExtAttrs | undefined): boolean =>
  !!a && a.status === 'Enabled' && !!a.extensionNumber && ORIGINATORS.has(a.type);
const reachable = (a: ExtAttrs | undefined): boolean => callable(a) && a!.type !== 'FaxUser';

export const isVisible = (e: CallEntry, now: number): boolean => e.visibleAt <= now;
export const isDeleted = (e: CallEntry, now: number): boolean => e.delAt !== 0 && e.delAt <= now;

export function matches(e: CallEntry, f: CallFilter, now: number): boolean {
  if (e.visibleAt > now) return false;
  if (!f.showDeleted && isDeleted(e, now)) return false;
  if (f.types && !f.types.has(e.fax ? 'Fax' : 'Voice')) return false;
  if (f.directions && !f.directions.has(e.outbound ? 'Outbound' : 'Inbound')) return false;
  if (f.recording) {
    if (!e.recAt || e.recAt > now) return false;
    if (f.recording !== 'All' && recordingTypeOf(e) !== f.recording) return false;
  }
  if (f.missedOnly && callResult(e) !== 'Missed') return false;
  return true;
}

/** The record's `result` as served (the callee's leg of an internal call may differ). */
export const callResult = (e: CallEntry): string => OUTCOMES[e.outcome]!.result[e.leg] ?? OUTCOMES[e.outcome]!.result[0];

const filterKey = (f: CallFilter): string =>
  `${f.types ? [...f.types].sort().join(',') : '*'}|${f.directions ? [...f.directions].sort().join(',') : '*'}|${f.showDeleted}|${f.recording ?? ''}|${f.missedOnly ? 'M' : ''}`;

export class CallLog {
  private readonly days: Lru<number, CallEntry[]>;
  private readonly counts = new Map<number, Map<string, number>>();
  daysGenerated = 0;

  constructor(private readonly account: Account, private readonly cfg: CallConfig) {
    this.days = new Lru(cfg.cacheDays);
    // A timeline change at t can only alter calls starting at/after t.
    account.onChange((t) => {
      const d = dayOf(t);
      this.days.deleteWhere((k) => k >= d);
      for (const k of [...this.counts.keys()]) if (k >= d) this.counts.delete(k);
    });
  }

  get cacheSize(): number {
    return this.days.size;
  }

  /** All records of day d, sorted as served: startTime desc, key desc. */
  day(d: number): CallEntry[] {
    let list = this.days.get(d);
    if (!list) {
      list = this.generateDay(d);
      this.daysGenerated++;
      this.days.set(d, list);
    }
    return list;
  }

  private generateDay(d: number): CallEntry[] {
    const dayStart = d * DAY_MS;
    const dayEnd = dayStart + DAY_MS;
    const out: CallEntry[] = [];
    if (dayEnd <= this.cfg.historyStart) return out;
    const weekday = new Date(dayStart).getUTCDay();
    const factor = weekday === 0 || weekday === 6 ? 0.25 : 1.2;
    const exts = this.account.exts;
    const u = new Float64Array(16); // fixed 16 draws per call, whatever the call turns out to be
    for (const e of exts) {
      if (e.existsFrom >= dayEnd || (e.deletedAt !== undefined && e.deletedAt <= dayStart)) continue;
      if (!e.versions.some((v) => ORIGINATORS.has(v.attrs.type))) continue;
      const rng = Rng.of(this.cfg.seed, 'calls', e.id, d);
      const n = Math.min(1023, rng.poisson(this.cfg.callsPerExtensionPerDay * factor));
      for (let k = 0; k < n; k++) {
        for (let i = 0; i < 16; i++) u[i] = rng.next();
        // 80% during a 9 h business window (14:00-23:00 UTC ≈ US hours), the rest spread over the day.
        const sec = u[0]! < 0.8 ? 50_400 + Math.floor(u[1]! * 32_400) : Math.floor(u[1]! * 86_400);
        const start = dayStart + sec * 1000;
        if (start < this.cfg.historyStart) continue;
        const a = this.account.attrsAt(e, start);
        if (!callable(a)) continue;
        let scenario: CallScenario;
        let peer = -1;
        if (a!.type === 'FaxUser' || u[3]! < 0.04) scenario = u[2]! < 0.5 ? 'faxIn' : 'faxOut';
        else if (a!.type === 'Department') scenario = 'inbound';
        else if (u[2]! < 0.3) {
          const prefix = this.account.existingPrefix(start);
          for (let p = 4; p < 8 && peer < 0; p++) {
            const cand = Math.floor(u[p]! * prefix);
            if (cand !== e.idx && reachable(this.account.attrsAt(exts[cand]!, start))) peer = cand;
          }
          scenario = peer >= 0 ? 'internal' : u[2]! < 0.15 ? 'inbound' : 'outbound';
        } else scenario = u[2]! < 0.65 ? 'inbound' : 'outbound';
        const outcome = pickOutcome(scenario, u[8]!);
        const oc = OUTCOMES[outcome]!;
        const dur = durationFor(oc.dur, u[9]!);
        const end = start + dur * 1000;
        const recAt = oc.recordable && dur >= 10 && u[10]! < 0.25
          ? end + RECORDING_DELAY_MS[0] + Math.floor(u[11]! * (RECORDING_DELAY_MS[1] - RECORDING_DELAY_MS[0])) : 0;
        const fax = scenario === 'faxIn' || scenario === 'faxOut';
        const seed = Math.floor(u[15]! * 4294967296) >>> 0;
        const key = (e.idx * 1024 + k) * 2;
        out.push({
          start, dur, day: d, key, owner: e.idx, peer, leg: 0, fax,
          outbound: scenario === 'outbound' || scenario === 'faxOut' || scenario === 'internal',
          outcome, seed,
          lmt0: end + 1000 + Math.floor(u[14]! * 25_000),
          recAt,
          delAt: u[12]! < 0.02 ? end + deleteDelay(u[13]!) : 0,
          visibleAt: end + VISIBLE_AFTER_MS,
        });
        if (peer >= 0) {
          // The callee's own record of the same call (same session, its own id and lifecycle).
          const v = (u[14]! * 7919) % 1;
          out.push({
            start, dur, day: d, key: key + 1, owner: peer, peer: e.idx, leg: 1, fax, outbound: false,
            outcome, seed,
            lmt0: end + 1000 + Math.floor(v * 25_000),
            recAt,
            delAt: (u[12]! * 50) % 1 < 0.02 ? end + deleteDelay(v) : 0,
            visibleAt: end + VISIBLE_AFTER_MS,
          });
        }
      }
    }
    return out.sort((x, y) => y.start - x.start || y.key - x.key);
  }

  private countDay(d: number, from: number, to: number, f: CallFilter, now: number): number {
    const full = d * DAY_MS >= from && (d + 1) * DAY_MS <= to;
    const settled = now >= (d + 1) * DAY_MS + SETTLE_MS;
    const fk = filterKey(f);
    if (full && settled) {
      const c = this.counts.get(d)?.get(fk);
      if (c !== undefined) return c;
    }
    let c = 0;
    for (const e of this.day(d)) if (e.start >= from && e.start < to && matches(e, f, now)) c++;
    if (full && settled) {
      if (!this.counts.has(d)) this.counts.set(d, new Map());
      this.counts.get(d)!.set(fk, c);
    }
    return c;
  }

  /**
   * Records with from <= startTime < to, visible at `now`, in serving order, skipping `offset`.
   * `hasMore` tells whether at least one further record exists (drives navigation.nextPage).
   */
  query(from: number, to: number, f: CallFilter, now: number, offset: number, limit: number): { entries: CallEntry[]; hasMore: boolean } {
    const hi = Math.min(to, now);
    const entries: CallEntry[] = [];
    if (hi <= from) return { entries, hasMore: false };
    let skip = offset;
    for (let d = dayOf(hi - 1); d >= dayOf(from); d--) {
      if (d * DAY_MS + DAY_MS <= this.cfg.historyStart) break;
      if (skip > 0 || entries.length >= limit) {
        const c = this.countDay(d, from, hi, f, now);
        if (entries.length >= limit) {
          if (c > 0) return { entries, hasMore: true };
          continue;
        }
        if (c <= skip) {
          skip -= c;
          continue;
        }
      }
      for (const e of this.day(d)) {
        if (e.start >= hi || e.start < from || !matches(e, f, now)) continue;
        if (skip > 0) {
          skip--;
          continue;
        }
        if (entries.length >= limit) return { entries, hasMore: true };
        entries.push(e);
      }
    }
    return { entries, hasMore: false };
  }
}
