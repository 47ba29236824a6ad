// What the living account did between two simulated instants, as notification bodies:
// message-store changes per mailbox (MessageEventBody) and telephony session updates
// (TelephonySessionsEventBody). Pure functions of the lazy stores, so the events a subscriber
// sees agree with what the REST API serves for the same time.

import { MAX_CALL_SECONDS } from './call-outcomes';
import { callSessionIds, externalParty } from './call-render';
import type { CallEntry } from './calls';
import { DAY_MS, dayOf, iso } from './clock';
import type { Core } from './handlers';
import { MAX_MESSAGE_CHANGE_MS, type Availability, type MsgType } from './messages';

/** Longest stretch of simulated time one delivery round looks at (a huge clock jump is cut to its end). */
export const MAX_EVENT_SPAN_MS = 2 * DAY_MS;

export interface AccountEvent {
  /** Simulated time the change happened; events go out in this order. */
  at: number;
  body: Record<string, unknown>;
}

const ALL: ReadonlySet<Availability> = new Set<Availability>(['Alive', 'Deleted', 'Purged']);
const EVENT_TYPE: Record<MsgType, string> = { SMS: 'SMS', VoiceMail: 'Voicemail', Fax: 'Fax', Pager: 'Pager' };
const within = (t: number, t0: number, t1: number): boolean => t > t0 && t <= t1;

/** One event per mailbox and round: how many messages of each type arrived or changed in (t0, t1]. */
export function messageStoreEvent(core: Core, extensionId: number, t0: number, t1: number): AccountEvent | undefined {
  const e = core.account.get(extensionId);
  if (!e) return undefined;
  const counts = new Map<string, { newCount: number; updatedCount: number }>();
  let last = 0;
  for (const m of core.messages.list(e, t0 - MAX_MESSAGE_CHANGE_MS, t1 + 1, { availability: ALL }, t1)) {
    const changes = [m.lmt0, m.readAt, m.delAt, m.purgeAt].filter((x) => x && within(x, t0, t1));
    const isNew = within(m.created, t0, t1);
    if (!isNew && changes.length === 0) continue;
    const c = counts.get(EVENT_TYPE[m.type]) ?? { newCount: 0, updatedCount: 0 };
    if (isNew) c.newCount++;
    else c.updatedCount++;
    counts.set(EVENT_TYPE[m.type], c);
    last = Math.max(last, m.created <= t1 ? m.created : 0, ...changes);
  }
  if (counts.size === 0) return undefined;
  // The spec: counts "can be omitted if the value is zero".
  const changes = [...counts].map(([type, c]) => ({
    type, ...(c.newCount ? { newCount: c.newCount } : {}), ...(c.updatedCount ? { updatedCount: c.updatedCount } : {}),
  }));
  return { at: last, body: { extensionId: String(extensionId), lastUpdated: iso(last), changes } };
}

function party(core: Core, idx: number, t: number): Record<string, string> {
  const ext = core.account.exts[idx]!;
  const a = core.account.attrsAt(ext, t);
  return { phoneNumber: a?.businessPhone ?? core.account.info.mainNumber, extensionId: String(ext.id) };
}

function sessionEvent(core: Core, c: CallEntry, at: number, sequence: number, code: string): AccountEvent {
  const ids = callSessionIds(c);
  const me = party(core, c.owner, c.start);
  const other = c.peer >= 0 ? party(core, c.peer, c.start) : { phoneNumber: externalParty(c.seed).phoneNumber! };
  const direction = c.outbound ? 'Outbound' : 'Inbound';
  const from = c.outbound ? me : other;
  const to = c.outbound ? other : me;
  const parties = [{ accountId: core.ctx.accountId, extensionId: me.extensionId!, id: `p-${ids.telephonySessionId}-1`, direction, from, to, status: { code } }];
  if (c.peer >= 0) {
    parties.push({ accountId: core.ctx.accountId, extensionId: other.extensionId!, id: `p-${ids.telephonySessionId}-2`, direction: 'Inbound', from, to, status: { code } });
  }
  return {
    at,
    body: {
      sequence, ...ids, serverId: 'simulator', eventTime: iso(at), origin: { type: 'Call' }, parties,
    },
  };
}

/** Every call that started (Proceeding) or ended (Disconnected) in (t0, t1], account-wide, oldest first. */
export function telephonyEvents(core: Core, t0: number, t1: number): AccountEvent[] {
  const out: AccountEvent[] = [];
  for (let d = dayOf(t0 - MAX_CALL_SECONDS * 1000); d <= dayOf(t1); d++) {
    for (const c of core.calls.day(d)) {
      if (c.leg !== 0) continue; // the callee's record of an internal call is the same session
      const end = c.start + c.dur * 1000;
      if (within(c.start, t0, t1)) out.push(sessionEvent(core, c, c.start, 1, 'Proceeding'));
      if (within(end, t0, t1)) out.push(sessionEvent(core, c, end, 2, 'Disconnected'));
    }
  }
  return out.sort((x, y) => x.at - y.at);
}
