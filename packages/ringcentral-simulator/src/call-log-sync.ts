// Company call-log-sync (GET /account/{accountId}/call-log-sync, Heavy). FSync: the newest
// `recordCount` visible records since `dateFrom` (at most 30 days back) plus a token. ISync:
// every record that appeared or changed (recording arrived, deleted) after the token, oldest
// change first, at most 250 per call; when capped, the token resumes right after the last
// record returned, so the client asks again until it gets fewer than 250. The token carries the
// FSync's view and statusGroup (the spec: the view cannot change for ISync) and a position
// (change time, day, key), never account state, so hires, departures and recycled numbers
// leave it valid; forged, foreign, from the future or older than 30 days → 400 CMN-101.

import { renderCall } from './call-render';
import { SETTLE_MS, matches, type CallEntry, type CallFilter, type CallLog } from './calls';
import { DAY_MS, dayOf, iso } from './clock';
import { invalidParam } from './errors';
import { acctUrl, type Body, type Core, type HandlerReq } from './handlers';
import { selfUri } from './paging';
import { boolParam, dateParam, oneOf } from './query';
import { readToken, signToken } from './signed-token';

export const ISYNC_MAX_RECORDS = 250;
export const FSYNC_MAX_RECORDS = 1000;
export const CALL_LOG_SYNC_MAX_AGE_MS = 30 * DAY_MS;
const PURPOSE = 'call-log-sync';

type View = 'Simple' | 'Detailed';

/** When a record last appeared or changed as far as a sync can see at `now`. */
export function changeTime(e: CallEntry, now: number): number {
  let t = e.visibleAt;
  if (e.recAt && e.recAt <= now && e.recAt > t) t = e.recAt;
  if (e.delAt && e.delAt <= now && e.delAt > t) t = e.delAt;
  return t;
}

interface Position { t: number; day: number; key: number }
const after = (e: CallEntry, ct: number, p: Position): boolean =>
  ct > p.t || (ct === p.t && (e.day > p.day || (e.day === p.day && e.key > p.key)));

/** Records changed after `since` and visible at `now`, oldest change first (ties by day, key). */
export function callLogChanges(calls: CallLog, since: Position, f: CallFilter, now: number): Array<{ e: CallEntry; ct: number }> {
  const out: Array<{ e: CallEntry; ct: number }> = [];
  // A record can change at most SETTLE_MS after its start, so older days cannot hold changes.
  for (let d = dayOf(since.t - SETTLE_MS); d <= dayOf(now); d++) {
    for (const e of calls.day(d)) {
      if (!matches(e, f, now)) continue;
      const ct = changeTime(e, now);
      if (ct <= now && after(e, ct, since)) out.push({ e, ct });
    }
  }
  return out.sort((x, y) => x.ct - y.ct || x.e.day - y.e.day || x.e.key - y.e.key);
}

function encode(seed: number, p: Position, view: View, missed: boolean): string {
  return signToken(seed, PURPOSE, ['c1', p.t, p.day, p.key, view, missed ? 'Missed' : 'All']);
}

function decode(seed: number, token: string): { p: Position; view: View; missed: boolean } | undefined {
  const f = readToken(seed, PURPOSE, token, 6);
  if (!f || f[0] !== 'c1' || (f[4] !== 'Simple' && f[4] !== 'Detailed')) return undefined;
  const [t, day, key] = f.slice(1, 4).map(Number) as [number, number, number];
  return [t, day, key].every(Number.isFinite) ? { p: { t, day, key }, view: f[4], missed: f[5] === 'Missed' } : undefined;
}

function recordCount(q: URLSearchParams, required: boolean, max: number): number {
  const raw = q.get('recordCount');
  if (raw === null || raw === '') {
    if (required) throw invalidParam('recordCount'); // the spec: mandatory for FSync
    return max;
  }
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) throw invalidParam('recordCount', raw);
  return Number(raw);
}

export function callLogSyncHandler(core: Core, r: HandlerReq): Body {
  const { q } = r;
  const syncType = oneOf(q, 'syncType', ['FSync', 'ISync'] as const, 'FSync');
  const statusGroups = q.getAll('statusGroup').flatMap((v) => v.split(',')).filter(Boolean);
  for (const g of statusGroups) if (g !== 'Missed' && g !== 'All') throw invalidParam('statusGroup', g);
  const now = core.now();
  const uri = selfUri(`${acctUrl(core)}/call-log-sync`, r.rawQuery);
  const syncInfo = (type: string, p: Position, view: View, missed: boolean) => ({
    syncType: type, syncToken: encode(core.seed, p, view, missed), syncTime: iso(p.t),
  });

  if (syncType === 'FSync') {
    const view = oneOf(q, 'view', ['Simple', 'Detailed'] as const, 'Simple');
    const missed = statusGroups.includes('Missed') && !statusGroups.includes('All');
    const count = recordCount(q, true, FSYNC_MAX_RECORDS);
    const horizon = now - CALL_LOG_SYNC_MAX_AGE_MS;
    const from = dateParam(q, 'dateFrom') ?? horizon;
    if (from < horizon || from > now) throw invalidParam('dateFrom', q.get('dateFrom') ?? undefined);
    const { entries } = core.calls.query(from, now + 1, { showDeleted: false, missedOnly: missed }, now, 0, count);
    // Everything visible now is covered: the next ISync starts after `now`.
    return {
      uri,
      records: entries.map((e) => renderCall(core.ctx, e, view, now)),
      syncInfo: syncInfo('FSync', { t: now, day: Number.MAX_SAFE_INTEGER, key: 0 }, view, missed),
    };
  }

  const raw = q.get('syncToken');
  if (!raw) throw invalidParam('syncToken');
  const tok = decode(core.seed, raw);
  if (!tok || tok.p.t > now || now - tok.p.t > CALL_LOG_SYNC_MAX_AGE_MS) throw invalidParam('syncToken');
  if (q.get('view') !== null && oneOf(q, 'view', ['Simple', 'Detailed'] as const, tok.view) !== tok.view) throw invalidParam('view', q.get('view')!);
  recordCount(q, false, ISYNC_MAX_RECORDS); // validated; the simulator does not widen the frame into the past
  const showDeleted = boolParam(q, 'showDeleted', false);
  const changed = callLogChanges(core.calls, tok.p, { showDeleted, missedOnly: tok.missed }, now);
  const page = changed.slice(0, ISYNC_MAX_RECORDS);
  const last = page[page.length - 1];
  const next = changed.length > page.length && last ? { t: last.ct, day: last.e.day, key: last.e.key } : { t: now, day: Number.MAX_SAFE_INTEGER, key: 0 };
  return {
    uri,
    records: page.map(({ e }) => renderCall(core.ctx, e, tok.view, now)), // deleted ones carry deleted: true
    syncInfo: syncInfo('ISync', next, tok.view, tok.missed),
  };
}
