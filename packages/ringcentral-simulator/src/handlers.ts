// Endpoint handlers: parse/validate parameters, query the lazy stores, wrap in envelopes.

import type { Account } from './account';
import { renderCall, type RenderCtx } from './call-render';
import type { CallLog } from './calls';
import { DAY_MS } from './clock';
import { invalidParam, noMailbox, notFoundParam } from './errors';
import { directoryEntries, listExtensions, renderDirectoryEntry, renderExtension } from './extensions';
import { renderMessage } from './message-render';
import { messageSync } from './message-sync';
import { hasMailbox, type Availability, type MessageStore } from './messages';
import { envelope, parsePage, parsePerPage, selfUri, slicePage } from './paging';
import { boolParam, dateParam, enumSet, intParam, oneOf } from './query';
import type { FaultKind } from './faults';
import type { MessageExports } from './message-export';
import type { ExtEntity } from './types';

export interface Core {
  account: Account;
  calls: CallLog;
  messages: MessageStore;
  ctx: RenderCtx;
  seed: number;
  ownerId: number;
  syncTokenMaxAgeMs: number;
  /** Message-store export tasks (message-store-report). */
  exports: MessageExports;
  /** Current simulated time, after applying due lifecycle events. */
  now(): number;
}

export interface HandlerReq {
  q: URLSearchParams;
  rawQuery: string;
  extensionId?: string;
  /** Path captures after the account id (task and archive ids). */
  params?: readonly string[];
  /** Request body of a POST. */
  text?: string;
  /** The fault that fired on this request and let it through (e.g. 'export-fails'). */
  fault?: FaultKind;
}

export type Body = Record<string, unknown>;

const EXT_STATUSES = ['Enabled', 'Disabled', 'Frozen', 'NotActivated', 'Unassigned'] as const;
const EXT_TYPES = [
  'User', 'FaxUser', 'VirtualUser', 'DigitalUser', 'Department', 'Announcement', 'Voicemail', 'SharedLinesGroup',
  'PagingOnly', 'IvrMenu', 'ApplicationExtension', 'ParkLocation', 'Limited', 'Bot', 'ProxyAdmin',
  'DelegatedLinesGroup', 'GroupCallPickup', 'Room', 'RoomConnector', 'Site', 'FlexibleUser', 'TieLine', 'Unknown',
] as const;
const DIRECTORY_TYPES = ['User', 'Department', 'Announcement', 'Voicemail', 'SharedLinesGroup', 'PagingOnly', 'IvrMenu',
  'ParkLocation', 'Limited', 'Site', 'Room', 'Bot'] as const;

export const acctUrl = (core: Core): string => `${core.ctx.base}/restapi/v1.0/account/${core.ctx.accountId}`;

/** '~' or a numeric id of an extension that exists (not deleted) now; else 404 CMN-102. */
export function resolveExtension(core: Core, raw: string, now: number): ExtEntity {
  const id = raw === '~' ? core.ownerId : /^\d+$/.test(raw) ? Number(raw) : NaN;
  const e = Number.isFinite(id) ? core.account.get(id) : undefined;
  if (!e || !core.account.attrsAt(e, now)) throw notFoundParam('extensionId', raw);
  return e;
}

/** An existing extension that has a message store; an IVR menu, a park location etc. answer 403 MSG-314. */
function resolveMailbox(core: Core, raw: string, now: number): ExtEntity {
  const e = resolveExtension(core, raw, now);
  if (!hasMailbox(core.account.attrsAt(e, now)!.type)) throw noMailbox();
  return e;
}

function window(q: URLSearchParams, now: number): { from: number; to: number } {
  const to = dateParam(q, 'dateTo') ?? now;
  const from = dateParam(q, 'dateFrom') ?? to - DAY_MS;
  if (from > to) throw invalidParam('dateFrom', q.get('dateFrom') ?? undefined);
  return { from, to };
}

export function callLogHandler(core: Core, r: HandlerReq): Body {
  const { q } = r;
  const view = oneOf(q, 'view', ['Simple', 'Detailed'] as const, 'Simple');
  const types = enumSet(q, 'type', ['Voice', 'Fax'] as const);
  const directions = enumSet(q, 'direction', ['Inbound', 'Outbound'] as const);
  const showDeleted = boolParam(q, 'showDeleted', false);
  const withRecording = boolParam(q, 'withRecording', false);
  const recordingType = q.get('recordingType') ? oneOf(q, 'recordingType', ['Automatic', 'OnDemand', 'All'] as const, 'All') : undefined;
  const recording = recordingType ?? (withRecording ? 'All' : undefined);
  const perPage = parsePerPage(q, { def: 100, max: 1000, overMax: 'error', words: { max: 1000 } });
  const page = parsePage(q);
  const now = core.now();
  const { from, to } = window(q, now);
  const { entries, hasMore } = core.calls.query(from, to, { types, directions, showDeleted, recording }, now, (page - 1) * perPage, perPage);
  const resourceUrl = `${acctUrl(core)}/call-log`;
  return {
    uri: selfUri(resourceUrl, r.rawQuery),
    records: entries.map((e) => renderCall(core.ctx, e, view, now)),
    ...envelope({ resourceUrl, query: q, page, perPage, count: entries.length, hasNext: hasMore, navigation: true }),
  };
}

export function extensionListHandler(core: Core, r: HandlerReq): Body {
  const { q } = r;
  const perPage = parsePerPage(q, { def: 100, max: 1000, overMax: 'clamp', words: { max: 1000, all: 1000 } });
  const page = parsePage(q);
  const status = enumSet(q, 'status', EXT_STATUSES);
  const type = enumSet(q, 'type', EXT_TYPES);
  const emails = q.getAll('email').flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase()).filter(Boolean);
  const now = core.now();
  const all = listExtensions(core.account, now, {
    status, type, extensionNumber: q.get('extensionNumber') || undefined, email: emails.length ? new Set(emails) : undefined,
  });
  const rows = slicePage(all, page, perPage);
  const resourceUrl = `${acctUrl(core)}/extension`;
  return {
    uri: selfUri(resourceUrl, r.rawQuery),
    records: rows.map(({ e, a }) => renderExtension(core.ctx, e, a)),
    ...envelope({ resourceUrl, query: q, page, perPage, count: rows.length, total: all.length, hasNext: page * perPage < all.length, navigation: true }),
  };
}

export function extensionHandler(core: Core, r: HandlerReq): Body {
  const now = core.now();
  const e = resolveExtension(core, r.extensionId!, now);
  return renderExtension(core.ctx, e, core.account.attrsAt(e, now)!);
}

export function messageStoreHandler(core: Core, r: HandlerReq): Body {
  const { q } = r;
  const availability = enumSet(q, 'availability', ['Alive', 'Deleted', 'Purged'] as const) ?? new Set<Availability>(['Alive', 'Deleted']);
  const types = enumSet(q, 'messageType', ['Fax', 'SMS', 'VoiceMail', 'Pager', 'Text'] as const);
  const directions = enumSet(q, 'direction', ['Inbound', 'Outbound'] as const);
  const readStatus = enumSet(q, 'readStatus', ['Read', 'Unread'] as const);
  const perPage = parsePerPage(q, { def: 100, max: 1000, overMax: 'clamp', words: { max: 1000 } });
  const page = parsePage(q);
  const now = core.now();
  const e = resolveMailbox(core, r.extensionId!, now);
  const { from, to } = window(q, now);
  const all = core.messages.list(e, from, to, { availability, types, directions, readStatus }, now);
  const rows = slicePage(all, page, perPage);
  const resourceUrl = `${acctUrl(core)}/extension/${e.id}/message-store`;
  return {
    uri: selfUri(resourceUrl, r.rawQuery),
    records: rows.map((m) => renderMessage(core.ctx, m, now)),
    ...envelope({ resourceUrl, query: q, page, perPage, count: rows.length, total: all.length, hasNext: page * perPage < all.length, navigation: true }),
  };
}

export function messageSyncHandler(core: Core, r: HandlerReq): Body {
  const { q } = r;
  const syncType = oneOf(q, 'syncType', ['FSync', 'ISync'] as const, 'FSync');
  const types = enumSet(q, 'messageType', ['Fax', 'SMS', 'VoiceMail', 'Pager', 'Text'] as const);
  const directions = enumSet(q, 'direction', ['Inbound', 'Outbound'] as const);
  const recordCount = intParam(q, 'recordCount', 250, 1, 1000);
  const dateFrom = dateParam(q, 'dateFrom');
  const dateTo = dateParam(q, 'dateTo');
  const now = core.now();
  const e = resolveMailbox(core, r.extensionId!, now);
  const res = messageSync(core.ctx, core.messages, e, {
    syncType, syncToken: q.get('syncToken') ?? undefined, dateFrom, dateTo, recordCount, types, directions,
  }, now, { seed: core.seed, tokenMaxAgeMs: core.syncTokenMaxAgeMs });
  return { uri: selfUri(`${acctUrl(core)}/extension/${e.id}/message-sync`, r.rawQuery), ...res };
}

export function directoryHandler(core: Core, r: HandlerReq): Body {
  const { q } = r;
  const perPage = parsePerPage(q, { def: 1000, max: 2000, overMax: 'clamp', words: { max: 2000, all: 2000 } });
  const page = parsePage(q);
  const typeRaw = q.get('type');
  const type = typeRaw ? oneOf(q, 'type', DIRECTORY_TYPES, 'User') : undefined;
  const now = core.now();
  const all = directoryEntries(core.account, now, { type, siteId: q.get('siteId') || undefined });
  const rows = slicePage(all, page, perPage);
  const env = envelope({
    resourceUrl: `${acctUrl(core)}/directory/entries`, query: q, page, perPage, count: rows.length,
    total: all.length, hasNext: false, navigation: false,
  });
  return { records: rows.map(({ e, a }) => renderDirectoryEntry(core.ctx, e, a)), paging: env.paging };
}
