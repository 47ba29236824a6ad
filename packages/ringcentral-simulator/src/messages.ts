// Lazy per-(extension, day) message store. Same scheme as calls: PRNG(seed, extensionId, d)
// with a fixed number of draws per message; state at `now` (read, deleted, purged) is a pure
// function of per-message change times, so lastModifiedTime moves deterministically.

import type { Account } from './account';
import { DAY_MS, dayOf } from './clock';
import { Lru } from './lru';
import { Rng, weighted } from './prng';
import type { ExtAttrs, ExtEntity } from './types';

export type MsgType = 'SMS' | 'VoiceMail' | 'Fax' | 'Pager';
export type Availability = 'Alive' | 'Deleted' | 'Purged';

export interface MsgEntry {
  id: number;
  owner: number;
  peer: number;
  created: number;
  type: MsgType;
  outbound: boolean;
  seed: number;
  lmt0: number;
  /** 0 = never */
  readAt: number;
  delAt: number;
  purgeAt: number;
  status: 'Received' | 'Delivered' | 'Sent' | 'DeliveryFailed';
}

export interface MsgFilter {
  availability: ReadonlySet<Availability>;
  types?: ReadonlySet<string>;
  directions?: ReadonlySet<string>;
  readStatus?: ReadonlySet<string>;
}

const HOUR = 3_600_000;
/** Upper bound of (last change − creation); ISync only scans this far back before its token. */
export const MAX_MESSAGE_CHANGE_MS = 4 * DAY_MS;

const MAILBOX = new Set(['User', 'DigitalUser', 'VirtualUser', 'FaxUser', 'FlexibleUser', 'Department', 'Voicemail']);
/** Extension types that have a message store at all; the others answer 403 MSG-314. */
export const hasMailbox = (type: string): boolean => MAILBOX.has(type);
/** Can send and receive (a peer of a pager message). */
const active = (a: ExtAttrs | undefined): boolean => !!a && a.status === 'Enabled' && MAILBOX.has(a.type);
/** Receives messages: voicemail and texts reach extensions that are not (yet) activated or have no number, too. */
const receiving = (a: ExtAttrs | undefined): boolean => !!a && ['Enabled', 'NotActivated', 'Unassigned'].includes(a.status) && MAILBOX.has(a.type);
const TYPE_MIX: ReadonlyArray<readonly [MsgType, number]> = [['SMS', 60], ['VoiceMail', 18], ['Fax', 7], ['Pager', 15]];

export const availabilityAt = (m: MsgEntry, now: number): Availability =>
  m.purgeAt && m.purgeAt <= now ? 'Purged' : m.delAt && m.delAt <= now ? 'Deleted' : 'Alive';
export const readStatusAt = (m: MsgEntry, now: number): 'Read' | 'Unread' =>
  m.readAt && m.readAt <= now ? 'Read' : 'Unread';
export function lastModifiedAt(m: MsgEntry, now: number): number {
  let t = m.lmt0;
  for (const x of [m.readAt, m.delAt, m.purgeAt]) if (x && x <= now && x > t) t = x;
  return t;
}

export function msgMatches(m: MsgEntry, f: MsgFilter, now: number): boolean {
  if (m.created > now) return false;
  if (!f.availability.has(availabilityAt(m, now))) return false;
  if (f.types && !f.types.has(m.type)) return false;
  if (f.directions && !f.directions.has(m.outbound ? 'Outbound' : 'Inbound')) return false;
  if (f.readStatus && !f.readStatus.has(readStatusAt(m, now))) return false;
  return true;
}

export class MessageStore {
  private readonly cache = new Lru<string, MsgEntry[]>(4096);
  private readonly originDay: number;
  daysGenerated = 0;

  constructor(
    private readonly account: Account,
    private readonly cfg: { seed: number; messagesPerExtensionPerDay: number; historyStart: number },
  ) {
    this.originDay = dayOf(cfg.historyStart);
    account.onChange((t) => {
      const d = dayOf(t);
      this.cache.deleteWhere((k) => Number(k.slice(k.indexOf(':') + 1)) >= d);
    });
  }

  /** Messages of one mailbox created on day d, newest first. */
  day(e: ExtEntity, d: number): MsgEntry[] {
    const key = `${e.idx}:${d}`;
    let list = this.cache.get(key);
    if (!list) {
      list = this.generate(e, d);
      this.daysGenerated++;
      this.cache.set(key, list);
    }
    return list;
  }

  private generate(e: ExtEntity, d: number): MsgEntry[] {
    const dayStart = d * DAY_MS;
    const out: MsgEntry[] = [];
    if (d < this.originDay || e.existsFrom >= dayStart + DAY_MS || (e.deletedAt !== undefined && e.deletedAt <= dayStart)) return out;
    const rng = Rng.of(this.cfg.seed, 'msgs', e.id, d);
    const n = Math.min(1023, rng.poisson(this.cfg.messagesPerExtensionPerDay));
    const exts = this.account.exts;
    for (let k = 0; k < n; k++) {
      const u = Array.from({ length: 12 }, rng.next);
      const created = dayStart + Math.floor(u[0]! * DAY_MS);
      if (created < this.cfg.historyStart) continue;
      const a = this.account.attrsAt(e, created);
      if (!receiving(a)) continue;
      let type: MsgType = a!.type === 'FaxUser' ? 'Fax' : ['User', 'DigitalUser', 'VirtualUser', 'FlexibleUser'].includes(a!.type)
        ? weighted(u[1]!, TYPE_MIX) : 'VoiceMail';
      let peer = -1;
      if (type === 'Pager' || (type === 'VoiceMail' && u[2]! < 0.3)) {
        const prefix = this.account.existingPrefix(created);
        for (let p = 3; p < 6 && peer < 0; p++) {
          const c = Math.floor(u[p]! * prefix);
          if (c !== e.idx && active(this.account.attrsAt(exts[c]!, created))) peer = c;
        }
        if (peer < 0 && type === 'Pager') type = 'SMS';
      }
      const outbound = type !== 'VoiceMail' && a!.status === 'Enabled' && u[6]! < 0.45;
      const readAt = outbound ? created : u[7]! < 0.85 ? created + 60_000 + Math.floor(u[8]! * 48 * HOUR) : 0;
      const delAt = u[9]! < 0.08 ? created + HOUR + Math.floor(u[10]! * 47 * HOUR) : 0;
      const purgeAt = delAt && u[11]! < 0.4 ? delAt + HOUR + Math.floor(((u[11]! * 97) % 1) * 47 * HOUR) : 0;
      const status = !outbound ? 'Received' : type === 'SMS' ? (u[8]! < 0.85 ? 'Delivered' : u[8]! < 0.95 ? 'Sent' : 'DeliveryFailed') : 'Sent';
      out.push({
        id: 1_000_000_000_000 + ((e.idx * 16384 + (d - this.originDay)) * 1024 + k) * 10 + 8,
        owner: e.idx, peer, created, type, outbound,
        seed: Math.floor(u[11]! * 4294967296) >>> 0,
        lmt0: created + Math.floor(u[10]! * 2000),
        readAt, delAt, purgeAt, status,
      });
    }
    return out.sort((x, y) => y.created - x.created || y.id - x.id);
  }

  /** Matching messages with from <= creationTime < to, newest first. */
  list(e: ExtEntity, from: number, to: number, f: MsgFilter, now: number): MsgEntry[] {
    const hi = Math.min(to, now + 1);
    const out: MsgEntry[] = [];
    if (hi <= from) return out;
    const lo = Math.max(from, this.cfg.historyStart);
    for (let d = dayOf(hi - 1); d >= dayOf(lo) && d >= this.originDay; d--) {
      for (const m of this.day(e, d)) if (m.created >= from && m.created < hi && msgMatches(m, f, now)) out.push(m);
    }
    return out;
  }

  /** Messages whose (lastModifiedTime, id) is after (sinceT, sinceId), oldest change first. */
  changedSince(e: ExtEntity, sinceT: number, sinceId: number, now: number, f: Omit<MsgFilter, 'availability'>): MsgEntry[] {
    const all = new Set<Availability>(['Alive', 'Deleted', 'Purged']);
    const out = this.list(e, sinceT - MAX_MESSAGE_CHANGE_MS, now + 1, { ...f, availability: all }, now).filter((m) => {
      const t = lastModifiedAt(m, now);
      return t > sinceT || (t === sinceT && m.id > sinceId);
    });
    return out.sort((x, y) => lastModifiedAt(x, now) - lastModifiedAt(y, now) || x.id - y.id);
  }
}
