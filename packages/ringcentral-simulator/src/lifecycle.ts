// Account lifecycle: explicit events (API) and random ones that materialise as the simulated
// clock passes their (seed-determined) times. Random events of day d come from a PRNG seeded
// by (seed, d) and are applied in time order, so the same seed + the same explicit calls give
// the same history. Events are applied lazily (syncTo) before any data is served, which keeps
// "already visible data never changes retroactively" true: every change is stamped >= the
// last time anybody looked.

import type { Account } from './account';
import { makeAttrs } from './account-generator';
import { dayOf, type SimClockApi } from './clock';
import { Rng, hash32 } from './prng';
import { applyRandomEvent, candidates, dayEvents, type RandomEventHost } from './random-events';
import type { ExtAttrs, ExtEntity, LifecycleEvent } from './types';

export type { LifecycleEvent, LifecycleKind } from './types';

interface Pending {
  at: number;
  seq: number;
  kind: 'delete' | 'reassign';
  id: number;
}

export interface LifecycleConfig {
  seed: number;
  eventsPerDay: number;
  historyStart: number;
  domain: string;
}

export class Lifecycle {
  readonly log: LifecycleEvent[] = [];
  private readonly pending: Pending[] = [];
  private syncedTo: number;
  private seq = 0;
  private hires = 0;
  private readonly host: RandomEventHost;

  constructor(
    private readonly account: Account,
    private readonly clock: SimClockApi,
    private readonly cfg: LifecycleConfig,
  ) {
    this.syncedTo = cfg.historyStart;
    this.host = {
      account,
      seed: cfg.seed,
      log: this.log,
      hire: (at, rng) => void this.doHire(at, {}, true, rng),
      schedule: (p) => this.schedule(p),
    };
  }

  /** Apply every random/pending event with time in (syncedTo, t]. */
  syncTo(t: number): void {
    if (t <= this.syncedTo) return;
    const randoms: Array<{ at: number; u: number[] }> = [];
    if (this.cfg.eventsPerDay > 0) {
      for (let d = dayOf(this.syncedTo); d <= dayOf(t); d++) {
        for (const ev of dayEvents(this.cfg.seed, this.cfg.eventsPerDay, d)) if (ev.at > this.syncedTo && ev.at <= t) randoms.push(ev);
      }
    }
    let i = 0;
    for (;;) {
      const p = this.pending[0];
      const r = randoms[i];
      if (p && p.at <= t && (!r || p.at <= r.at)) {
        this.pending.shift();
        this.applyPending(p);
      } else if (r) {
        i++;
        applyRandomEvent(this.host, r.at, r.u);
      } else break;
    }
    this.syncedTo = t;
  }

  private schedule(p: Omit<Pending, 'seq'>): void {
    this.pending.push({ ...p, seq: this.seq++ });
    this.pending.sort((x, y) => x.at - y.at || x.seq - y.seq);
  }

  private applyPending(p: Pending): void {
    const e = this.account.get(p.id);
    if (!e) return;
    if (p.kind === 'delete') {
      // Re-enabled in the meantime (a statusChange or the API): the departure is off.
      if (e.deletedAt !== undefined || this.account.latest(e)?.status !== 'Disabled') return;
      this.account.remove(e.id, p.at);
      this.log.push({ at: p.at, kind: 'delete', extensionId: e.id, random: true });
    } else {
      const number = this.lastNumber(e);
      if (e.deletedAt === undefined || !number || !this.account.isNumberFree(number)) return;
      const rng = new Rng(hash32(this.cfg.seed, 'reassign', p.at, e.id));
      this.doReassign(e, p.at, true, rng);
    }
  }

  private lastNumber(e: ExtEntity): string | undefined {
    return e.versions[e.versions.length - 1]!.attrs.extensionNumber;
  }

  private doHire(at: number, attrs: Partial<ExtAttrs>, random: boolean, rng: Rng): ExtEntity {
    const serial = this.account.exts.length;
    const wanted = attrs.extensionNumber;
    if (wanted && !this.account.isNumberFree(wanted)) throw new Error(`extension number ${wanted} is in use`);
    const base = makeAttrs(rng, this.account, attrs.type ?? 'User', attrs.status ?? (rng.chance(0.3) ? 'NotActivated' : 'Enabled'), serial, this.cfg.domain);
    const merged: ExtAttrs = { ...base, ...attrs };
    if (attrs.firstName || attrs.lastName) merged.name = attrs.name ?? `${merged.firstName} ${merged.lastName ?? ''}`.trim();
    if (merged.status === 'Unassigned') delete merged.extensionNumber;
    const e = this.account.create(merged, at);
    this.log.push({ at, kind: 'hire', extensionId: e.id, random, number: merged.extensionNumber });
    return e;
  }

  private doReassign(old: ExtEntity, at: number, random: boolean, rng: Rng): ExtEntity {
    const last = old.versions[old.versions.length - 1]!.attrs;
    const e = this.doHire(at, { extensionNumber: last.extensionNumber, businessPhone: last.businessPhone, status: 'Enabled', type: 'User' }, random, rng);
    this.log.push({ at, kind: 'reassign', extensionId: e.id, fromId: old.id, number: last.extensionNumber, random });
    return e;
  }

  // ---- explicit API (applied at the current simulated time) ----

  private now(): number {
    const t = this.clock.now();
    this.syncTo(t);
    return t;
  }

  hire(attrs: Partial<ExtAttrs> = {}): number {
    const t = this.now();
    return this.doHire(t, attrs, false, new Rng(hash32(this.cfg.seed, 'hire', t, ++this.hires))).id;
  }

  update(id: number, patch: Partial<ExtAttrs>): void {
    const t = this.now();
    this.account.update(id, patch, t);
    this.log.push({ at: t, kind: 'update', extensionId: id, random: false });
  }

  disable(id: number): void {
    const t = this.now();
    this.account.update(id, { status: 'Disabled' }, t);
    this.log.push({ at: t, kind: 'disable', extensionId: id, random: false });
  }

  delete(id: number): void {
    const t = this.now();
    this.account.remove(id, t);
    this.log.push({ at: t, kind: 'delete', extensionId: id, random: false });
  }

  reassignNumber(fromDeletedId: number): number {
    const t = this.now();
    const old = this.account.get(fromDeletedId);
    if (!old || old.deletedAt === undefined) throw new Error(`extension ${fromDeletedId} is not deleted`);
    const number = this.lastNumber(old);
    if (!number) throw new Error(`extension ${fromDeletedId} had no extension number`);
    if (!this.account.isNumberFree(number)) throw new Error(`extension number ${number} is already reassigned`);
    return this.doReassign(old, t, false, new Rng(hash32(this.cfg.seed, 'reassign-explicit', t, old.id))).id;
  }

  /**
   * Leaver whose number goes to a newcomer: disable, advance stepMs, delete, advance stepMs,
   * hire with the same number. Advances the simulated clock by 2 × stepMs.
   */
  recycleScenario(opts: { extensionId?: number; stepMs?: number } = {}): { oldId: number; newId: number; number: string } {
    const step = opts.stepMs ?? 3_600_000;
    const t = this.now();
    let oldId = opts.extensionId;
    if (oldId === undefined) {
      const list = candidates(this.account, t, (e, a) => a.type === 'User' && a.status === 'Enabled' && !!a.extensionNumber);
      if (!list.length) throw new Error('no extension available to recycle');
      oldId = list[new Rng(hash32(this.cfg.seed, 'recycle', t)).int(0, list.length - 1)]!.e.id;
    }
    const number = this.account.latest(this.account.get(oldId)!)?.extensionNumber;
    if (!number) throw new Error(`extension ${oldId} has no extension number`);
    this.disable(oldId);
    this.clock.advance(step);
    this.delete(oldId);
    this.clock.advance(step);
    return { oldId, newId: this.reassignNumber(oldId), number };
  }
}
