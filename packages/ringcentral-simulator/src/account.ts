// The extension timeline: every version of every extension with its validity interval.
// Calls and messages are generated lazily for any past instant, so they must be able to ask
// "who held number X / what was this extension called at time t" — this is that index.
// It only ever grows (ids are never reused), and it is small (one object per version).

import type { CostCenter, ExtAttrs, ExtEntity, ExtVersion, Site } from './types';

export interface AccountInfo {
  accountId: string;
  companyName: string;
  mainNumber: string;
  historyStart: number;
  areaCode: string;
}

/** Ids look like RingCentral's (12 digits ending in 008) and are a pure function of creation order. */
export const extensionIdFor = (idx: number): number => (400_000_000 + idx * 7919) * 1000 + 8;

export class Account {
  readonly exts: ExtEntity[] = [];
  readonly sites: Site[] = [];
  readonly costCenters: CostCenter[] = [];
  /** Bumped on every change; caches key on it. */
  revision = 0;
  /** Time of the latest applied change. Explicit events may not be placed before it. */
  lastChangeAt = -Infinity;
  /** Number of extensions seeded before history start (they exist for the whole history). */
  initialCount = 0;
  private readonly byId = new Map<number, ExtEntity>();
  /** Extension numbers held right now (latest versions of non-deleted extensions). */
  private readonly numbersInUse = new Map<string, number>();
  private numberCursor = 101;
  private phoneCursor = 1;
  private readonly listeners: Array<(t: number) => void> = [];

  constructor(readonly info: AccountInfo) {}

  onChange(fn: (t: number) => void): void {
    this.listeners.push(fn);
  }

  get(id: number): ExtEntity | undefined {
    return this.byId.get(id);
  }

  /** Direct numbers come from a bijective permutation so they are unique without a set. */
  allocatePhone(): string {
    const n = 2_000_000 + ((this.phoneCursor++ * 7919 + 1_234_567) % 8_000_000);
    return `+1${this.info.areaCode}${n}`;
  }

  /** Next never-used-before extension number; freed numbers are only reused by explicit reassignment. */
  allocateNumber(): string {
    while (this.numbersInUse.has(String(this.numberCursor))) this.numberCursor++;
    return String(this.numberCursor++);
  }

  isNumberFree(n: string): boolean {
    return !this.numbersInUse.has(n);
  }

  create(attrs: ExtAttrs, t: number, creationTime = t): ExtEntity {
    this.claimNumber(attrs.extensionNumber, -1);
    // Hires must come in time order: existingPrefix() binary-searches creation times.
    if (this.initialCount > 0) this.assertMonotonic(t);
    const idx = this.exts.length;
    const e: ExtEntity = {
      idx,
      id: extensionIdFor(idx),
      creationTime,
      existsFrom: creationTime,
      versions: [{ validFrom: creationTime, validTo: Infinity, attrs: { ...attrs } }],
    };
    this.exts.push(e);
    this.byId.set(e.id, e);
    if (attrs.extensionNumber) this.numbersInUse.set(attrs.extensionNumber, e.id);
    this.changed(t);
    return e;
  }

  update(id: number, patch: Partial<ExtAttrs>, t: number): ExtEntity {
    const e = this.mustBeLive(id);
    const cur = e.versions[e.versions.length - 1]!;
    const next: ExtAttrs = { ...cur.attrs, ...patch };
    for (const k of Object.keys(next) as Array<keyof ExtAttrs>) if (next[k] === undefined) delete next[k];
    if (JSON.stringify(next) === JSON.stringify(cur.attrs)) return e;
    if (next.extensionNumber !== cur.attrs.extensionNumber) {
      this.claimNumber(next.extensionNumber, id);
      if (cur.attrs.extensionNumber) this.numbersInUse.delete(cur.attrs.extensionNumber);
      if (next.extensionNumber) this.numbersInUse.set(next.extensionNumber, id);
    }
    this.assertMonotonic(t);
    if (cur.validFrom === t) {
      cur.attrs = next; // two changes at the same instant collapse into one version
    } else {
      cur.validTo = t;
      e.versions.push({ validFrom: t, validTo: Infinity, attrs: next });
    }
    this.changed(t);
    return e;
  }

  remove(id: number, t: number): ExtEntity {
    const e = this.mustBeLive(id);
    this.assertMonotonic(t);
    const cur = e.versions[e.versions.length - 1]!;
    cur.validTo = t;
    e.deletedAt = t;
    if (cur.attrs.extensionNumber) this.numbersInUse.delete(cur.attrs.extensionNumber);
    this.changed(t);
    return e;
  }

  /** Latest attributes of a not-deleted extension. */
  latest(e: ExtEntity): ExtAttrs | undefined {
    return e.deletedAt === undefined ? e.versions[e.versions.length - 1]!.attrs : undefined;
  }

  versionAt(e: ExtEntity, t: number): ExtVersion | undefined {
    if (t < e.existsFrom || (e.deletedAt !== undefined && t >= e.deletedAt)) return undefined;
    const vs = e.versions;
    let lo = 0;
    let hi = vs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (vs[mid]!.validFrom <= t) lo = mid;
      else hi = mid - 1;
    }
    const v = vs[lo]!;
    return v.validFrom <= t && t < v.validTo ? v : undefined;
  }

  attrsAt(e: ExtEntity, t: number): ExtAttrs | undefined {
    return this.versionAt(e, t)?.attrs;
  }

  /** Extensions (by creation order) that could exist at t: a prefix, since hires are appended in time order. */
  existingPrefix(t: number): number {
    let lo = this.initialCount;
    let hi = this.exts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.exts[mid]!.creationTime <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Extensions visible at t (existing and not deleted), in creation order. */
  aliveAt(t: number): Array<{ e: ExtEntity; a: ExtAttrs }> {
    const out: Array<{ e: ExtEntity; a: ExtAttrs }> = [];
    const n = this.existingPrefix(t);
    for (let i = 0; i < n; i++) {
      const e = this.exts[i]!;
      const a = this.attrsAt(e, t);
      if (a) out.push({ e, a });
    }
    return out;
  }

  holderOf(number: string, at: number): number | undefined {
    for (const e of this.exts) {
      if (this.attrsAt(e, at)?.extensionNumber === number) return e.id;
    }
    return undefined;
  }

  site(id: string): Site {
    return this.sites.find((s) => s.id === id) ?? this.sites[0]!;
  }

  private mustBeLive(id: number): ExtEntity {
    const e = this.byId.get(id);
    if (!e) throw new Error(`extension ${id} does not exist`);
    if (e.deletedAt !== undefined) throw new Error(`extension ${id} is deleted`);
    return e;
  }

  private claimNumber(n: string | undefined, forId: number): void {
    if (!n) return;
    const holder = this.numbersInUse.get(n);
    if (holder !== undefined && holder !== forId) {
      throw new Error(`extension number ${n} is held by extension ${holder}`);
    }
  }

  private assertMonotonic(t: number): void {
    if (t < this.lastChangeAt) {
      throw new Error(`cannot change the account at ${new Date(t).toISOString()}: a later change exists`);
    }
  }

  private changed(t: number): void {
    this.revision++;
    if (t > this.lastChangeAt) this.lastChangeAt = t;
    for (const fn of this.listeners) fn(t);
  }
}
