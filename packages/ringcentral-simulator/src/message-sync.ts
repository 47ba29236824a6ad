// message-sync: FSync (recent messages + token) and ISync (everything created or changed since
// the token). The token is self-describing — base64url of (extension id, sim time, last id,
// checksum) — so the server keeps no sync state.

import type { RenderCtx } from './call-render';
import { DAY_MS, iso } from './clock';
import { invalidParam, syncTokenInvalid } from './errors';
import { renderMessage } from './message-render';
import { availabilityAt, lastModifiedAt, type MessageStore, type MsgEntry } from './messages';
import { readToken, signToken } from './signed-token';
import type { ExtEntity } from './types';

const MAX_ID = Number.MAX_SAFE_INTEGER;

export function encodeSyncToken(seed: number, extId: number, t: number, lastId: number): string {
  return signToken(seed, 'sync', ['v1', extId, t, lastId]);
}

export function decodeSyncToken(seed: number, token: string): { extId: number; t: number; lastId: number } | undefined {
  const parts = readToken(seed, 'sync', token, 4);
  if (!parts || parts[0] !== 'v1') return undefined;
  const [extId, t, lastId] = parts.slice(1, 4).map(Number) as [number, number, number];
  return [extId, t, lastId].every(Number.isFinite) ? { extId, t, lastId } : undefined;
}

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
    const from = p.dateFrom ?? now - 7 * DAY_MS;
    const to = p.dateTo ?? now + 1;
    const all = store.list(e, from, to, { availability: new Set(['Alive', 'Deleted']), types: p.types, directions: p.directions }, now);
    const page = all.slice(0, p.recordCount);
    return {
      records: page.map((m) => renderMessage(ctx, m, now)),
      syncInfo: { syncType: 'FSync', syncToken: encodeSyncToken(cfg.seed, e.id, now, MAX_ID), syncTime: iso(now), olderRecordsExist: all.length > page.length },
    };
  }
  if (!p.syncToken) throw invalidParam('syncToken');
  const tok = decodeSyncToken(cfg.seed, p.syncToken);
  if (!tok || tok.extId !== e.id || tok.t > now || now - tok.t > cfg.tokenMaxAgeMs) throw syncTokenInvalid();
  const changed = store.changedSince(e, tok.t, tok.lastId, now, { types: p.types, directions: p.directions });
  const page = changed.slice(0, p.recordCount);
  // When capped, the token resumes right after the last change returned.
  const last = page[page.length - 1];
  const capped = changed.length > page.length && last !== undefined;
  const t = capped ? lastModifiedAt(last, now) : now;
  return {
    records: page.map((m) => renderSyncRecord(ctx, m, now, e.id)),
    syncInfo: {
      syncType: 'ISync',
      syncToken: encodeSyncToken(cfg.seed, e.id, t, capped ? last.id : MAX_ID),
      syncTime: iso(t),
      olderRecordsExist: false,
    },
  };
}
