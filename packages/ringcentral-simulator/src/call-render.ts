// Turns a compact CallEntry into the JSON record RingCentral serves. Everything that
// depends on time (recording present, deleted, lastModifiedTime) is evaluated at `now`;
// names/numbers are those the parties held at the call's start.

import type { Account } from './account';
import { OUTCOMES } from './call-outcomes';
import { callResult, recordingTypeOf, type CallEntry } from './calls';
import { iso } from './clock';
import { AREAS, CALLER_NAMES } from './names';
import { Rng, base62, hash32, hex32 } from './prng';

export interface RenderCtx {
  account: Account;
  base: string;
  accountId: string;
}

type Party = {
  phoneNumber?: string;
  extensionNumber?: string;
  extensionId?: string;
  name?: string;
  location?: string;
};

export const callRecordId = (e: CallEntry): string => `I${base62(e.day, 3)}${base62(e.key, 7)}`;
const callKey = (e: CallEntry): number => Math.floor(e.key / 2);
const sessionNumber = (e: CallEntry): number => e.day * 100_000_000 + callKey(e);

/** The ids both parties' records of one call share (push events name the same session). */
export function callSessionIds(e: CallEntry): { sessionId: string; telephonySessionId: string } {
  const n = sessionNumber(e);
  return { sessionId: `${n}008`, telephonySessionId: `s-a${hex32(hash32(n, 'tsid'))}${hex32(hash32(n, 'tsid2'))}z${hex32(e.day)}` };
}

function extParty(ctx: RenderCtx, idx: number, t: number): Party {
  const ext = ctx.account.exts[idx]!;
  const a = ctx.account.attrsAt(ext, t)!;
  const p: Party = {};
  p.phoneNumber = a.businessPhone ?? ctx.account.info.mainNumber;
  if (a.extensionNumber) p.extensionNumber = a.extensionNumber;
  p.extensionId = String(ext.id);
  p.name = a.name;
  return p;
}

export function externalParty(seed: number): Party {
  const rng = new Rng(hash32(seed, 'ext-party'));
  const [area, location] = rng.pick(AREAS);
  const p: Party = { phoneNumber: `+1${area}${rng.int(2_000_000, 9_999_999)}` };
  if (rng.chance(0.3)) p.name = rng.pick(CALLER_NAMES);
  if (rng.chance(0.8)) p.location = location;
  return p;
}

export function lastModified(e: CallEntry, now: number): number {
  let t = e.lmt0;
  if (e.recAt && e.recAt <= now && e.recAt > t) t = e.recAt;
  if (e.delAt && e.delAt <= now && e.delAt > t) t = e.delAt;
  return t;
}

export function renderCall(ctx: RenderCtx, e: CallEntry, view: 'Simple' | 'Detailed', now: number): Record<string, unknown> {
  const oc = OUTCOMES[e.outcome]!;
  const acct = `${ctx.base}/restapi/v1.0/account/${ctx.accountId}`;
  const owner = ctx.account.exts[e.owner]!;
  const id = callRecordId(e);
  const internal = e.peer >= 0;
  const external = internal ? undefined : externalParty(e.seed);
  const me = extParty(ctx, e.owner, e.start);
  const other = internal ? extParty(ctx, e.peer, e.start) : external!;
  const from = e.outbound ? me : other;
  const to = e.outbound ? other : me;
  const type = e.fax ? 'Fax' : 'Voice';
  const direction = e.outbound ? 'Outbound' : 'Inbound';
  const action = e.fax ? (e.outbound ? 'Outgoing Fax' : 'Incoming Fax')
    : e.outbound ? (!internal && e.seed % 10 === 0 ? 'RingOut Web' : 'VoIP Call') : 'Phone Call';
  const result = callResult(e);
  const reason = oc.reason[e.leg];
  const startTime = iso(e.start);
  const extension = { uri: `${acct}/extension/${owner.id}`, id: owner.id };
  const { sessionId, telephonySessionId: tsid } = callSessionIds(e);
  const rec: Record<string, unknown> = {
    uri: `${acct}/call-log/${id}?view=${view}`,
    id,
    sessionId,
    telephonySessionId: tsid,
    startTime,
    duration: e.dur,
    type,
    direction,
    action,
    result,
  };
  if (reason) rec.reason = reason;
  rec.to = to;
  rec.from = from;
  rec.extension = extension;
  if (e.recAt && e.recAt <= now) {
    const recId = String(sessionNumber(e) * 10 + 7);
    rec.recording = {
      uri: `${acct}/recording/${recId}`,
      id: recId,
      type: recordingTypeOf(e),
      contentUri: `${ctx.base}/restapi/v1.0/account/${ctx.accountId}/recording/${recId}/content`,
    };
  }
  const deleted = e.delAt !== 0 && e.delAt <= now;
  if (view === 'Detailed') {
    const transport = internal ? 'VoIP' : 'PSTN';
    const perMin = internal ? 0 : e.outbound ? 0.021 : 0.006;
    const cost = Math.round((Math.ceil(e.dur / 60) * perMin) * 1000) / 1000;
    rec.transport = transport;
    rec.billing = { costIncluded: cost, costPurchased: 0 };
    const legType = e.fax ? (e.outbound ? 'FaxSent' : 'Accept')
      : internal ? 'ExtensionToExtension' : e.outbound ? 'SipToPstnMetered' : 'Accept';
    const leg = (extra: Record<string, unknown>): Record<string, unknown> => ({
      startTime, duration: e.dur, type, direction, action, result,
      ...(reason ? { reason } : {}),
      to, from, transport, legType, ...extra,
    });
    rec.legs = !internal && !e.outbound && !e.fax
      ? [
        leg({ legType: 'PstnToSip', to: { phoneNumber: me.phoneNumber }, master: true }),
        leg({ extension }),
      ]
      : [leg({ extension, master: true })];
  }
  rec.lastModifiedTime = iso(lastModified(e, now));
  if (deleted) rec.deleted = true;
  return rec;
}
