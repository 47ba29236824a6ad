// Event filters a subscription may hold: a mailbox's message store and the account's telephony
// sessions. RingCentral stores (and echoes) filters with '~' replaced by the real ids, and
// names that expanded filter in each event's `event` field; so does the simulator. A mailbox
// filter naming an extension that does not exist (or is deleted) is refused 400 OAU-232, one that
// is Disabled or Frozen 400 OAU-236: the spec's codes for create and update; the whole request fails.

import { ApiError, rcError } from './errors';
import type { Core } from './handlers';

export type PushFilter =
  | { kind: 'message-store'; extensionId: number; uri: string }
  | { kind: 'telephony-sessions'; uri: string };

const MESSAGE_STORE = /^\/restapi\/v1\.0\/account\/([^/?]+)\/extension\/([^/?]+)\/message-store\/?$/;
const TELEPHONY = /^\/restapi\/v1\.0\/account\/([^/?]+)\/telephony\/sessions\/?$/;

const invalidFilters = (value: string): ApiError =>
  new ApiError(400, rcError('CMN-101', 'Parameter [eventFilters] value is invalid.', { parameterName: 'eventFilters', parameterValue: value }));

// The spec's codes for a mailbox filter whose extension cannot be subscribed (create and update alike).
const extensionNotFound = (value: string): ApiError =>
  new ApiError(400, rcError('OAU-232', 'Extension not found', { parameterName: 'eventFilters', parameterValue: value }));
const extensionDisabled = (value: string): ApiError =>
  new ApiError(400, rcError('OAU-236', 'Extension is disabled or frozen', { parameterName: 'eventFilters', parameterValue: value }));

/** Validates and expands the filters of a create/update request; throws RC's 400 on the first bad one. */
export function parseFilters(core: Core, raw: unknown, maxFilters: number): PushFilter[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new ApiError(400, rcError('CMN-100', 'Parameter [eventFilters] is required', { parameterName: 'eventFilters' }));
  }
  if (raw.length > maxFilters) {
    throw new ApiError(400, rcError('CMN-101', `Parameter [eventFilters] value is invalid: at most ${maxFilters} filters per subscription`, {
      parameterName: 'eventFilters', parameterValue: String(raw.length),
    }));
  }
  const now = core.now();
  const out = new Map<string, PushFilter>();
  for (const f of raw) {
    if (typeof f !== 'string') throw invalidFilters(String(f));
    const account = (id: string): string => {
      if (id !== '~' && id !== core.ctx.accountId) throw invalidFilters(f);
      return core.ctx.accountId;
    };
    const m = MESSAGE_STORE.exec(f);
    if (m) {
      const acct = account(decodeURIComponent(m[1]!));
      const rawExt = decodeURIComponent(m[2]!);
      if (rawExt !== '~' && !/^\d+$/.test(rawExt)) throw invalidFilters(f);
      const id = rawExt === '~' ? core.ownerId : Number(rawExt);
      const e = core.account.get(id);
      const attrs = e && core.account.attrsAt(e, now);
      if (!attrs) throw extensionNotFound(f);
      if (attrs.status === 'Disabled' || attrs.status === 'Frozen') throw extensionDisabled(f);
      const uri = `/restapi/v1.0/account/${acct}/extension/${id}/message-store`;
      out.set(uri, { kind: 'message-store', extensionId: id, uri });
      continue;
    }
    const t = TELEPHONY.exec(f);
    if (t) {
      const uri = `/restapi/v1.0/account/${account(decodeURIComponent(t[1]!))}/telephony/sessions`;
      out.set(uri, { kind: 'telephony-sessions', uri });
      continue;
    }
    throw invalidFilters(f);
  }
  return [...out.values()];
}
