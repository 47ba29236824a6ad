// message-sync: FSync (recent messages + token) and ISync (what changed since the token). As
// RingCentral's message-sync guide says, the token carries a sync frame: the FSync's creation-date
// range (`dateFrom`, default `dateTo` − 7 days; `dateTo` absent = an open frame that takes new
// messages). ISync reports changes only to messages created inside the frame; an ISync with an
// earlier `dateFrom` widens it. The token is self-describing — base64url of (extension id, sim
// time, last id, frame, checksum) — so the server keeps no sync state.

import type { RenderCtx } from './call-render';
import { DAY_MS, iso } from './clock';
import { invalidParam, syncTokenInvalid } from './errors';
import { renderMessage } from './message-render';
import { availabilityAt, lastModifiedAt, type MessageStore, type MsgEntry } from './messages';
import { readToken, signToken } from './signed-token';
import type { ExtEntity } from './types';

const MAX_ID = Number.MAX_SAFE_INTEGER;

/** Creation-time range `[from, to)` a token follows; `to` 0 = open (every later message too). */
export interface SyncFrame {
  from: number;
  to: number;
}

export interface SyncTokenBody {
  extId: number;
  t: number;
  lastId: number;
  frame: SyncFrame;
}

export function encodeSyncToken(seed: number, tok: SyncTokenBody): string {
  return signToken(seed, 'sync', ['v2', tok.extId, tok.t, tok.lastId, tok.frame.from, tok.frame.to]);
}

export function decodeSyncToken(seed: number, token: string): SyncTokenBody | undefined {
  const parts = readToken(seed, 'sync', token, 6);
  if (!parts || parts[0] !== 'v2') return undefined;
  const [extId, t, lastId, from, to] = parts.slice(1, 6).map(Number) as [number, number, number, number, number];
  return [extId, t, lastId, from, to].every(Number.isFinite) ? { extId, t, lastId, frame: { from, to } } : undefined;
}

const inFrame = (m: MsgEntry, f: SyncFrame): boolean => m.created >= f.from && (f.to === 0 || m.created < f.to);

export interface SyncParams {
  syncType: 'FSync' | 'ISync';
  syncToken?: string;
  dateFrom?: number;
  dateTo?: number;
  recordCount: number;
  types?: ReadonlySet<string>;
  directions?: ReadonlySet<string>;
}

export interface SyncConfig {
  seed: number;
  tokenMaxAgeMs: number;
}

function renderSyncRecord(ctx: RenderCtx, m: MsgEntry, now: number, extId: number): Record<string, unknown> {
  if (availabilityAt(m, now) !== 'Purged') return renderMessage(ctx, m, now);
  // Purged messages are reported by id + availability only.
  return {
    uri: `${ctx.base}/restapi/v1.0/account/${ctx.accountId}/extension/${extId}/message-store/${m.id}`,
    id: m.id,
    availability: 'Purged',
    lastModifiedTime: iso(lastModifiedAt(m, now)),
  };
}

export function messageSync(
  ctx: RenderCtx, store: MessageStore, e: ExtEntity, p: SyncParams, now: number, cfg: SyncConfig,
): { records: Array<Record<string, unknown>>; syncInfo: Record<string, unknown> } {
  if (p.syncType === 'FSync') {
    const to = p.dateTo ?? now + 1;
    const frame: SyncFrame = { from: p.dateFrom ?? to - 7 * DAY_MS, to: p.dateTo ?? 0 };
    if (frame.to !== 0 && frame.from > frame.to) throw invalidParam('dateFrom');
    const all = store.list(e, frame.from, to, { availability: new Set(['Alive', 'Deleted']), types: p.types, directions: p.directions }, now);
    const page = all.slice(0, p.recordCount);
    return {
      records: page.map((m) => renderMessage(ctx, m, now)),
      syncInfo: { syncType: 'FSync', syncToken: encodeSyncToken(cfg.seed, { extId: e.id, t: now, lastId: MAX_ID, frame }), syncTime: iso(now), olderRecordsExist: all.length > page.length },
    };
  }
  if (!p.syncToken) throw invalidParam('syncToken');
  const tok = decodeSyncToken(cfg.seed, p.syncToken);
  if (!tok || tok.extId !== e.id || tok.t > now || now - tok.t > cfg.tokenMaxAgeMs) throw syncTokenInvalid();
  // An earlier dateFrom widens the frame; a later one never narrows it.
  const frame: SyncFrame = { ...tok.frame, from: p.dateFrom !== undefined ? Math.min(p.dateFrom, tok.frame.from) : tok.frame.from };
  const changed = store.changedSince(e, tok.t, tok.lastId, now, { types: p.types, directions: p.directions }).filter((m) => inFrame(m, frame));
  const page = changed.slice(0, p.recordCount);
  // When capped, the token resumes right after the last change returned.
  const last = page[page.length - 1];
  const capped = changed.length > page.length && last !== undefined;
  const t = capped ? lastModifiedAt(last, now) : now;
  return {
    records: page.map((m) => renderSyncRecord(ctx, m, now, e.id)),
    syncInfo: {
      syncType: 'ISync',
      syncToken: encodeSyncToken(cfg.seed, { extId: e.id, t, lastId: capped ? last.id : MAX_ID, frame }),
      syncTime: iso(t),
      olderRecordsExist: false,
    },
  };
}
